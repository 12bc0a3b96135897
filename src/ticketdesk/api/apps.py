"""App config of the REST API and its personal tokens."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "ticketdesk.api"
    label = "api"
    verbose_name = _("REST API")
