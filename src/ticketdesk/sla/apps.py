"""App config of the SLA calendar (business hours, holidays, business-time arithmetic)."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "ticketdesk.sla"
    label = "sla"
    verbose_name = _("Business hours")
