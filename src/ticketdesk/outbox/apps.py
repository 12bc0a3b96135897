"""App config of the outbox (outgoing e-mail)."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "ticketdesk.outbox"
    label = "outbox"
    verbose_name = _("Outgoing e-mail")

    def ready(self) -> None:
        from ticketdesk.core.config_menu import ConfigLink, register_config_link

        register_config_link(
            ConfigLink(section=_("Support"), title=_("Outbox"), url_name="outbox:list", order=900)
        )
