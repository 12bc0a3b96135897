"""Ticketdesk: an open-source helpdesk and ticketing system."""
