"""The `ticketdesk` commands that run the helpdesk: serve, demo, worker."""
