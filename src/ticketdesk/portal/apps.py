"""App config of the customer portal."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "ticketdesk.portal"
    label = "portal"
    verbose_name = _("Customer portal")

    def ready(self) -> None:
        from ticketdesk.core import config_cache
        from ticketdesk.core.config_menu import ConfigLink, register_config_link
        from ticketdesk.portal.models import PortalSettings

        config_cache.track(PortalSettings)
        register_config_link(
            ConfigLink(
                section=_("Support"),
                title=_("Customer portal"),
                url_name="portal_config:settings",
                order=320,
            )
        )
