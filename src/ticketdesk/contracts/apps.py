"""App config of point-based support contracts: hooks into time keeping, panels, menu."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "ticketdesk.contracts"
    label = "contracts"
    verbose_name = _("Support contracts")

    def ready(self) -> None:
        from ticketdesk.core import config_cache
        from ticketdesk.core.config_menu import ConfigLink, register_config_link
        from ticketdesk.customers.page_panels import CustomerPanel, register_customer_panel
        from ticketdesk.tickets.page_panels import TicketPanel, register_ticket_panel
        from ticketdesk.timekeeping.hooks import register_segment_guard, register_segment_listener

        from .models import PointsSettings
        from .panels import customer_contracts_context, ticket_points_context
        from .services.consumption import charge_segment_change, refuse_when_exhausted

        config_cache.track(PointsSettings)
        register_segment_guard(refuse_when_exhausted)
        register_segment_listener(charge_segment_change)
        register_ticket_panel(
            TicketPanel("contracts/ticket_points.html", "points", ticket_points_context, order=5)
        )
        register_customer_panel(
            CustomerPanel("contracts/customer_contracts.html", "points", customer_contracts_context)
        )
        register_config_link(
            ConfigLink(
                section=_("Support"), title=_("Points"), url_name="points:settings", order=320
            )
        )

    def on_worker_start(self) -> None:
        """Start the daily points summary unless its cycle is under way."""
        from ticketdesk.core.tasks import start_daily

        from .tasks import send_points_summary_daily

        start_daily(send_points_summary_daily)
