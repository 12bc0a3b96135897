"""App config of inbound (incoming e-mail)."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboundConfig(AppConfig):
    name = "ticketdesk.inbound"
    label = "inbound"
    verbose_name = _("Incoming e-mail")

    def ready(self) -> None:
        from ticketdesk.core import config_cache
        from ticketdesk.core.config_menu import ConfigLink, register_config_link
        from ticketdesk.inbound.filters.models import MailFilter, MailFilterCondition
        from ticketdesk.inbound.models import Mailbox

        # Mailboxes too: routing reads their addresses. Progress and lease writes are
        # queryset updates, which send no signal, so only configuration changes count.
        config_cache.track(MailFilter, MailFilterCondition, Mailbox)

        register_config_link(
            ConfigLink(
                section=_("Support"),
                title=_("Mailboxes"),
                url_name="config_mailboxes:list",
                order=850,
            )
        )
        register_config_link(
            ConfigLink(
                section=_("Support"),
                title=_("Mail filters"),
                url_name="config_mail_filters:list",
                order=860,
            )
        )

    def housekeeping(self) -> dict[str, int]:
        from django.utils.translation import gettext

        from ticketdesk.inbound.services import purge_repeats

        return {gettext("repeated deliveries of incoming mail"): purge_repeats()}
