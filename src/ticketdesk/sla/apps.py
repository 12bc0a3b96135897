"""App config of the SLA calendar (business hours, holidays, business-time arithmetic)."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "ticketdesk.sla"
    label = "sla"
    verbose_name = _("Business hours")

    def ready(self) -> None:
        from ticketdesk.core import config_cache
        from ticketdesk.core.config_menu import ConfigLink, register_config_link
        from ticketdesk.sla.models import BusinessHours, ClosedDay, OpeningInterval

        config_cache.track(BusinessHours, OpeningInterval, ClosedDay)

        register_config_link(
            ConfigLink(
                section=_("Support"),
                title=_("Business hours"),
                url_name="sla:business_hours",
                order=310,
            )
        )
