"""`ticketdesk fetch_mail [--loop]`: fetch the IMAP mailboxes once (cron, debugging) or forever."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from ticketdesk.inbound.imap.fetcher import FetchReport, fetch_all_mailboxes
from ticketdesk.inbound.imap.tasks import fetch_interval
from ticketdesk.inbound.models import InboundMessage, Mailbox


class Command(BaseCommand):
    help = (
        "Fetch new messages from every active IMAP mailbox once and print what was imported. "
        "With --loop, repeat every INBOUND_FETCH_INTERVAL_SECONDS until stopped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop", action="store_true", help="Keep fetching at the configured interval."
        )

    def handle(self, *args: Any, loop: bool, verbosity: int, **options: Any) -> None:
        on_message = self._print_message if verbosity >= 2 else None
        while True:
            reports = fetch_all_mailboxes(on_message=on_message)
            for report in reports:
                self._print(report)
            if not loop:
                break
            time.sleep(fetch_interval().total_seconds())
        if not reports:
            self.stdout.write(_("No active mailbox is configured."))
        if any(report.error for report in reports):
            raise CommandError(_("Some mailboxes could not be fetched."), returncode=75)

    def _print_message(
        self, mailbox: Mailbox, uid: int, inbound: InboundMessage, created: bool
    ) -> None:
        where = inbound.ticket.reference if inbound.ticket_id else inbound.status
        seen = "" if created else f" ({_('already stored')})"
        self.stdout.write(f"{mailbox.name}\tUID {uid}\t{where}{seen}")

    def _print(self, report: FetchReport) -> None:
        if report.locked:
            line = _("%(mailbox)s: skipped, another fetcher is working on it") % {
                "mailbox": report.mailbox
            }
        else:
            line = _(
                "%(mailbox)s: fetched %(fetched)d, new %(stored)d, already stored %(duplicates)d"
            ) % {
                "mailbox": report.mailbox,
                "fetched": report.fetched,
                "stored": report.stored,
                "duplicates": report.duplicates,
            }
        self.stdout.write(line)
        if report.error:
            self.stderr.write(f"{report.mailbox}: {report.error}")
