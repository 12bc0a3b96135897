"""App config of accounts."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ticketdesk.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from ticketdesk.core.config_menu import ConfigLink, register_config_link

        register_config_link(ConfigLink(_("Users"), _("Users"), "config_accounts:users", 10))
        register_config_link(
            ConfigLink(_("Users"), _("Support teams"), "config_accounts:teams", 20)
        )
