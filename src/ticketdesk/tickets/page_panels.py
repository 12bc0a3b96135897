"""Panels other apps add to the ticket page (time spent, points); see core.panels."""

from __future__ import annotations

from ticketdesk.core.panels import PagePanel, PanelRegistry

TicketPanel = PagePanel
_REGISTRY = PanelRegistry()
register_ticket_panel = _REGISTRY.register
ticket_panels = _REGISTRY.shown
