"""Every write of the inbound app: store raw mail first, then parse it, then route it."""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from ticketdesk.tickets.services.attachments import atomic_with_files

from . import routing
from .models import InboundMessage, InboundStatus, ReviewReason
from .parsing import ParsedMessage, ParseError, parse_message
from .parsing.headers import parse_message_id

logger = logging.getLogger(__name__)

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_MESSAGE_ID = re.compile(
    rb"^message-id:[ \t]*((?:.*)(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE
)
PARSE_ERROR_INTERNAL = "internal error while parsing: %s"
ROUTING_ERROR = "could not be added to a ticket: %s"


def extract_message_id(raw: bytes) -> str:
    """The Message-ID from the header block, read without parsing the message."""
    match = _HEADER_END.search(raw)
    head = raw[: match.start()] if match else raw[:65536]
    found = _MESSAGE_ID.search(head)
    if not found:
        return ""
    value = re.sub(rb"\r?\n[ \t]+", b" ", found.group(1)).decode("ascii", errors="replace")
    return parse_message_id(value)


def store_raw_message(
    raw: bytes,
    *,
    source: str,
    mailbox: str = "",
    imap_uidvalidity: int | None = None,
    imap_uid: int | None = None,
) -> tuple[InboundMessage, bool]:
    """Record `raw` once, before anything else looks at it.

    Returns (message, created). The same Message-ID, or the same bytes when there is
    no Message-ID, returns the row stored first with created=False; two processes
    storing the same message at once race on the unique constraints, and the loser
    returns the winner's row.
    """
    raw = bytes(raw)
    digest = hashlib.sha256(raw).hexdigest()
    message_id = extract_message_id(raw)
    existing = _find_stored(digest, message_id)
    if existing is not None:
        return existing, False
    fields = {
        "sha256": digest,
        "message_id": message_id,
        "size": len(raw),
        "source": source,
        "mailbox": mailbox[:200],
        "imap_uidvalidity": imap_uidvalidity,
        "imap_uid": imap_uid,
    }
    if len(raw) > settings.INBOUND_RAW_IN_DB_MAX_BYTES:
        fields["raw_file"] = _store_file(raw, digest)
    else:
        fields["raw"] = raw
    try:
        with transaction.atomic():
            return InboundMessage.objects.create(**fields), True
    except IntegrityError:
        existing = _find_stored(digest, message_id)
        if existing is None:
            raise
        return existing, False


def _find_stored(digest: str, message_id: str) -> InboundMessage | None:
    queryset = InboundMessage.objects.without_raw()
    if message_id:
        found = queryset.filter(message_id=message_id).first()
        if found is not None:
            return found
    return queryset.filter(sha256=digest).first()


def _store_file(raw: bytes, digest: str) -> str:
    name = f"inbound/{digest[:2]}/{digest}.eml"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(raw))
    return name


def parse_inbound(inbound: InboundMessage) -> ParsedMessage | None:
    """Parse the stored bytes and record the result on the row.

    Side effects: sets sender, subject, loop flags and status PARSED; on failure
    status FAILED with review reason "unparseable" and the error text, so the message
    shows in the incoming-mail inbox. Never raises for bad mail.
    """
    try:
        parsed = parse_message(inbound.raw_bytes)
    except ParseError as exc:
        _mark_failed(inbound, str(exc))
        return None
    except Exception as exc:  # a parser bug must not lose the message
        logger.exception("inbound %s: parser failed", inbound.pk)
        _mark_failed(inbound, PARSE_ERROR_INTERNAL % exc)
        return None
    inbound.from_address = parsed.from_address[:320]
    inbound.from_name = parsed.from_name[:200]
    inbound.subject = parsed.subject[:998]
    inbound.is_auto_reply = parsed.is_auto_reply
    inbound.is_bounce = parsed.is_bounce
    inbound.bounced_recipients = parsed.bounced_recipients
    inbound.status = InboundStatus.PARSED
    inbound.parse_error = ""
    inbound.review_reason = ""
    inbound.save(
        update_fields=[
            "from_address",
            "from_name",
            "subject",
            "is_auto_reply",
            "is_bounce",
            "bounced_recipients",
            "status",
            "parse_error",
            "review_reason",
        ]
    )
    return parsed


def _mark_failed(inbound: InboundMessage, error: str) -> None:
    inbound.status = InboundStatus.FAILED
    inbound.review_reason = ReviewReason.UNPARSEABLE
    inbound.parse_error = error[:10000]
    inbound.processed_at = timezone.now()
    inbound.save(update_fields=["status", "review_reason", "parse_error", "processed_at"])


def route_message(inbound: InboundMessage, parsed: ParsedMessage | None = None) -> InboundMessage:
    """Put a stored message into a ticket or the inbox (rules: `ticketdesk.inbound.routing`).

    Idempotent: a message already routed (processed_at set) is left alone, and the
    row is locked while routing so two workers never route it twice. Side effects:
    the ticket services' writes and mail; on the row ticket, ticket_message,
    mail_filter, processed_at, and status NEEDS_REVIEW with a review reason when it
    waits in the inbox. A routing error rolls back the ticket writes and leaves the
    message in the inbox (reason "routing failed", the error in parse_error).
    """
    if inbound.processed_at is not None:
        return inbound
    if parsed is None:
        parsed = _parsed_again(inbound)
        if parsed is None:
            return inbound
    try:
        # A failed routing also takes back the attachment files it wrote.
        with atomic_with_files():
            locked = InboundMessage.objects.select_for_update().without_raw().get(pk=inbound.pk)
            if locked.processed_at is None:
                _record_outcome(locked, routing.route(locked, parsed))
    except Exception as exc:  # the message must stay visible, not vanish in a log
        logger.exception("inbound %s: routing failed", inbound.pk)
        _mark_routing_failed(inbound, exc)
        inbound.refresh_from_db(fields=ROUTING_FIELDS)
        return inbound
    for name in ROUTING_FIELDS:
        setattr(inbound, name, getattr(locked, name))
    return inbound


ROUTING_FIELDS = [
    "status",
    "review_reason",
    "parse_error",
    "ticket",
    "ticket_message",
    "mail_filter",
    "processed_at",
]


def _parsed_again(inbound: InboundMessage) -> ParsedMessage | None:
    if inbound.status == InboundStatus.PENDING:
        return parse_inbound(inbound)
    if inbound.status != InboundStatus.PARSED:
        return None
    try:
        return parse_message(inbound.raw_bytes)
    except Exception:  # it parsed before; treat a failure now like any parse failure
        return parse_inbound(inbound)


def _record_outcome(inbound: InboundMessage, outcome: routing.Outcome) -> None:
    inbound.ticket = outcome.ticket
    inbound.ticket_message = outcome.message
    inbound.mail_filter = outcome.mail_filter
    inbound.processed_at = timezone.now()
    if outcome.review_reason:
        inbound.status = InboundStatus.NEEDS_REVIEW
        inbound.review_reason = outcome.review_reason
    inbound.save(update_fields=ROUTING_FIELDS)


def _mark_routing_failed(inbound: InboundMessage, exc: Exception) -> None:
    InboundMessage.objects.filter(pk=inbound.pk, processed_at__isnull=True).update(
        status=InboundStatus.NEEDS_REVIEW,
        review_reason=ReviewReason.ROUTING_FAILED,
        parse_error=(ROUTING_ERROR % exc)[:10000],
        processed_at=timezone.now(),
    )


@dataclass(frozen=True)
class IngestResult:
    inbound: InboundMessage
    created: bool


def ingest_raw_message(raw: bytes, *, source: str) -> IngestResult:
    """Store, parse and route one message; a repeat delivery is stored and routed once.

    Only storing may raise (the caller reports "not stored"); parsing and routing
    problems end up on the stored row. A message stored before but never routed (the
    process died in between) is routed now.
    """
    inbound, created = store_raw_message(raw, source=source)
    route_message(inbound)
    return IngestResult(inbound=inbound, created=created)
