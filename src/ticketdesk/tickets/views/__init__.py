"""Agent views of tickets, one module per page: list, detail (ticket page), new."""
