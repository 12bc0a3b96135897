"""`ticketdesk ingest_email [FILE ...]`: store and process messages from files or stdin."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from ticketdesk.inbound.models import InboundMessage, InboundSource, InboundStatus
from ticketdesk.inbound.services import ingest_raw_message


class Command(BaseCommand):
    # Exit status 0: every message's bytes are stored (parsing and routing problems wait in
    # the inbox); 75 (EX_TEMPFAIL): some could not be stored, so the MTA retries them.
    help = "Store and process e-mail messages (RFC 5322) from files, or one from standard input."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", help="message files; none reads standard input")

    def handle(self, *args: Any, files: list[str], **options: Any) -> None:
        sources: list[tuple[str, str]] = [(f, InboundSource.FILE) for f in files]
        if not sources:
            sources = [("-", InboundSource.PIPE)]
        failures = 0
        for name, source in sources:
            try:
                raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
                result = ingest_raw_message(raw, source=source)
            except Exception as exc:  # report and go on with the next file
                failures += 1
                self.stderr.write(
                    _("%(name)s: not stored: %(error)s") % {"name": name, "error": exc}
                )
                continue
            self.stdout.write(f"{name}\t{self._outcome(result.inbound, created=result.created)}")
        if failures:
            raise CommandError(
                _("%(count)d message(s) could not be stored.") % {"count": failures}, returncode=75
            )

    @staticmethod
    def _outcome(inbound: InboundMessage, *, created: bool) -> str:
        """The ticket number, or "inbox: <reason>" for a message waiting for a decision.

        A repeat delivery (other bytes, same Message-ID and content) is stored but
        adds nothing, and says so.
        """
        if inbound.status == InboundStatus.REPEAT:
            label = _("repeat of inbound #%(pk)s") % {"pk": inbound.original_id or inbound.pk}
            if inbound.ticket_id:
                label = f"{inbound.ticket.reference} ({label})"
        elif inbound.ticket_id:
            label = inbound.ticket.reference
        elif inbound.review_reason:
            label = f"inbox: {inbound.review_reason}"
        else:
            label = f"inbound #{inbound.pk} {inbound.status}"
        return label if created else f"{label} ({_('already stored')})"
