"""`ticketdesk send_mail`: drain the outbox once (for cron, or to debug delivery)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from ticketdesk.outbox.sender import DEFAULT_BATCH_SIZE, drain_outbox, next_due_at


class Command(BaseCommand):
    help = "Send every due e-mail in the outbox once, then exit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help="Rows claimed per batch (one SMTP connection each).",
        )

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        report = drain_outbox(batch_size=batch_size)
        self.stdout.write(
            _("sent %(sent)d, retry later %(retried)d, failed %(failed)d")
            % {"sent": report.sent, "retried": report.retried, "failed": report.failed}
        )
        if (due := next_due_at()) is not None:
            self.stdout.write(_("next attempt due at %(due)s") % {"due": due.isoformat()})
