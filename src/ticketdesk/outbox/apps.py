"""App config of the outbox (outgoing e-mail)."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext
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

    def on_worker_start(self) -> None:
        """Start the daily pruning; send at once the mail a dead predecessor had leased."""
        from ticketdesk.core.tasks import start_daily
        from ticketdesk.outbox.sender import release_predecessor_leases
        from ticketdesk.outbox.tasks import prune_sent_mail_daily, schedule_sender

        start_daily(prune_sent_mail_daily)
        if release_predecessor_leases():
            schedule_sender()

    def housekeeping(self) -> dict[str, int]:
        from ticketdesk.outbox.services import prune_sent_mail

        return {gettext("sent e-mails"): prune_sent_mail()}
