"""Django admin for tickets: configuration lists, tickets and their timeline."""

from . import config, tickets, timeline

__all__ = ["config", "tickets", "timeline"]
