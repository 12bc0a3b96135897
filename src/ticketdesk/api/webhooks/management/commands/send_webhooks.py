"""`ticketdesk send_webhooks`: deliver the due webhooks once (for cron, or to debug delivery)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from ticketdesk.api.webhooks.sender import DEFAULT_BATCH_SIZE, drain_deliveries, next_due_at


class Command(BaseCommand):
    help = "Deliver every due webhook once, then exit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="Rows claimed per batch."
        )

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        report = drain_deliveries(batch_size=batch_size)
        self.stdout.write(
            _("delivered %(delivered)d, retry later %(retried)d, failed %(failed)d")
            % {"delivered": report.delivered, "retried": report.retried, "failed": report.failed}
        )
        if (due := next_due_at()) is not None:
            self.stdout.write(_("next attempt due at %(due)s") % {"due": due.isoformat()})
