"""Time keeping: the working-time timer and time segments on tickets (DESIGN §1.8)."""
