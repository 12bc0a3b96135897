"""App config of tickets."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "ticketdesk.tickets"
    label = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        from ticketdesk.core import config_cache
        from ticketdesk.core.config_menu import ConfigLink, register_config_link
        from ticketdesk.core.dashboard import DashboardPanel, register_panel
        from ticketdesk.tickets import models
        from ticketdesk.tickets.dashboard import tickets_panel
        from ticketdesk.tickets.forms_config import KINDS

        register_panel(DashboardPanel("tickets/dashboard_panel.html", tickets_panel, order=10))
        config_cache.track(
            models.Status,
            models.Priority,
            models.Category,
            models.SubCategory,
            models.NotificationTemplate,
        )

        for order, kind in enumerate(KINDS.values(), start=300):
            if kind.has_own_page:
                register_config_link(
                    ConfigLink(_("Support"), kind.title, kind.list_url_name, order=order)
                )

        register_config_link(
            ConfigLink(
                section=_("Support"),
                title=_("Notification texts"),
                url_name="config_notifications:list",
                order=800,
            )
        )

    def on_worker_start(self) -> None:
        """Start the SLA warning cycle unless a run is already under way."""
        from ticketdesk.core.tasks import start_periodic
        from ticketdesk.tickets.tasks import SLA_CHECK_EVERY, send_sla_warnings_periodically

        start_periodic(send_sla_warnings_periodically, every=SLA_CHECK_EVERY)
