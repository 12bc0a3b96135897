"""App config of customers."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "ticketdesk.customers"
    label = "customers"
    verbose_name = _("Customers")
