"""Panels other apps add to the customer page (support contracts); see core.panels."""

from __future__ import annotations

from ticketdesk.core.panels import PagePanel, PanelRegistry

CustomerPanel = PagePanel
_REGISTRY = PanelRegistry()
register_customer_panel = _REGISTRY.register
customer_panels = _REGISTRY.shown
