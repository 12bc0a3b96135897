"""Every write of the inbound app: store raw mail first, then parse it, then route it."""

from __future__ import annotations

import datetime
import hashlib
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import Subquery
from django.utils import timezone

from ticketdesk.tickets.services.attachments import atomic_with_files

from . import routing
from .models import InboundMessage, InboundStatus, ReviewReason
from .parsing import ParsedMessage, ParseError, parse_message
from .parsing.headers import parse_message_id
from .parsing.message import without_controls

logger = logging.getLogger(__name__)

_MESSAGE_ID = re.compile(rb"^message-id:[ \t]*((?:.*)(?:\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE)
PARSE_ERROR_INTERNAL = "internal error while parsing: %s"
ROUTING_ERROR = "could not be added to a ticket: %s"


def normalized_line_endings(raw: bytes) -> bytes:
    """`raw` with CRLF and lone CR made LF: the form messages are compared in."""
    return raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


def extract_message_id(raw: bytes) -> str:
    """The Message-ID from the header block, read without parsing the message."""
    head = normalized_line_endings(raw[:65536])
    end = head.find(b"\n\n")
    found = _MESSAGE_ID.search(head[:end] if end != -1 else head)
    if not found:
        return ""
    value = re.sub(rb"\n[ \t]+", b" ", found.group(1)).decode("ascii", errors="replace")
    return without_controls(parse_message_id(value))


def store_raw_message(
    raw: bytes,
    *,
    source: str,
    mailbox: str = "",
    imap_uidvalidity: int | None = None,
    imap_uid: int | None = None,
) -> tuple[InboundMessage, bool]:
    """Record `raw` once, before anything else looks at it.

    Returns (message, created). The same bytes (line endings aside) return the row
    stored first with created=False; two processes storing them at once race on the
    unique hash, and the loser returns the winner's row. Other bytes under a known
    Message-ID are a new row linked to the first (`original`); routing tells a repeat
    delivery from other mail reusing the ID.
    """
    raw = bytes(raw)
    digest = hashlib.sha256(normalized_line_endings(raw)).hexdigest()
    message_id = extract_message_id(raw)
    fields = {
        "sha256": digest,
        "message_id": message_id,
        # The first row under this Message-ID, looked up by the INSERT itself (RETURNING
        # gives the value back): no query before the insert, which is all most mail needs.
        "original_id": _first_with_message_id(message_id) if message_id else None,
        "size": len(raw),
        "source": source,
        "mailbox": without_controls(mailbox)[:200],
        "imap_uidvalidity": imap_uidvalidity,
        "imap_uid": imap_uid,
    }
    if len(raw) > settings.INBOUND_RAW_IN_DB_MAX_BYTES:
        fields["raw_file"] = _store_file(raw, digest)
    else:
        fields["raw"] = raw
    # The unique hash decides whether these bytes are new: insert, and look for the stored
    # row only when the insert is refused. A refused insert whose row is gone again (purged
    # meanwhile) is tried once more.
    attempts = 2
    while True:
        attempts -= 1
        try:
            with transaction.atomic():
                return InboundMessage.objects.create(**fields), True
        except IntegrityError:
            existing = _find_stored(digest)
            if existing is not None:
                return existing, False
            if not attempts:
                raise


def _find_stored(digest: str) -> InboundMessage | None:
    return InboundMessage.objects.without_raw().filter(sha256=digest).first()


def _first_with_message_id(message_id: str) -> Subquery:
    """The pk of the first row stored under `message_id`, as a subquery (NULL if none)."""
    first = InboundMessage.objects.filter(message_id=message_id).order_by("pk")
    return Subquery(first.values("pk")[:1])


def _store_file(raw: bytes, digest: str) -> str:
    name = f"inbound/{digest[:2]}/{digest}.eml"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(raw))
    return name


def parse_inbound(inbound: InboundMessage, *, record: bool = True) -> ParsedMessage | None:
    """Parse the stored bytes and record the result on the row.

    Side effects: sets sender, subject, loop flags and status PARSED; on failure
    status FAILED with review reason "unparseable" and the error text, so the message
    shows in the incoming-mail inbox. Never raises for bad mail. With record=False a
    success is only set on `inbound`: routing writes it together with its outcome.
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
    inbound.fingerprint = routing.fingerprint_of(parsed)
    inbound.status = InboundStatus.PARSED
    inbound.parse_error = ""
    inbound.review_reason = ""
    if not record:
        return parsed
    try:
        with transaction.atomic():
            inbound.save(update_fields=PARSED_FIELDS)
    except Exception as exc:  # a value the database refuses must not leave the row pending
        logger.exception("inbound %s: parse result not recorded", inbound.pk)
        _mark_failed(inbound, PARSE_ERROR_INTERNAL % exc)
        return None
    return parsed


PARSED_FIELDS = [
    "from_address",
    "from_name",
    "subject",
    "is_auto_reply",
    "is_bounce",
    "bounced_recipients",
    "fingerprint",
    "status",
    "parse_error",
    "review_reason",
]


def _mark_failed(inbound: InboundMessage, error: str) -> None:
    inbound.status = InboundStatus.FAILED
    inbound.review_reason = ReviewReason.UNPARSEABLE
    inbound.parse_error = without_controls(error, multiline=True)[:10000]
    inbound.processed_at = timezone.now()
    inbound.save(update_fields=["status", "review_reason", "parse_error", "processed_at"])


def route_message(inbound: InboundMessage, parsed: ParsedMessage | None = None) -> InboundMessage:
    """Put a stored message into a ticket or the inbox (rules: `ticketdesk.inbound.routing`).

    Idempotent: a message already routed (processed_at set) is left alone, and two
    workers never route it twice (the row is locked while routing on PostgreSQL; on
    SQLite the write transaction excludes the other, and the outcome is written only
    to a row still unrouted). The parse result is written with the outcome. Side effects:
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
            _lock_message_id(inbound.message_id)
            if _routed_meanwhile(inbound):
                raise RoutedElsewhere
            _record_outcome(inbound, routing.route(inbound, parsed))
    except RoutedElsewhere:
        inbound.refresh_from_db(fields=OUTCOME_FIELDS)
    except Exception as exc:  # the message must stay visible, not vanish in a log
        logger.exception("inbound %s: routing failed", inbound.pk)
        _mark_routing_failed(inbound, exc)
        inbound.refresh_from_db(fields=OUTCOME_FIELDS)
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
# Routing writes the parse result too: one UPDATE, in the routing transaction.
OUTCOME_FIELDS = list(dict.fromkeys([*PARSED_FIELDS, *ROUTING_FIELDS]))


class RoutedElsewhere(Exception):
    """Another worker routed the message first; this routing's writes are rolled back."""


def _routed_meanwhile(inbound: InboundMessage) -> bool:
    """Whether another worker routed the message since it was read (waiting for one doing so)."""
    # SQLite: BEGIN IMMEDIATE already keeps every other writer out of this transaction, and
    # _record_outcome writes only a row still unrouted, so no read is needed. PostgreSQL:
    # lock the row, so a second worker waits instead of routing the message again.
    if not connection.features.has_select_for_update:
        return False
    locked = InboundMessage.objects.select_for_update().filter(pk=inbound.pk)
    return not locked.filter(processed_at__isnull=True).exists()


def _lock_message_id(message_id: str) -> None:
    """Routing of mail under one Message-ID goes one at a time (a repeat or not is decided
    against what the others made), serialized on the first row stored with the ID."""
    # SQLite has no row locks (the query would be a plain read); PostgreSQL does.
    if message_id and connection.features.has_select_for_update:
        first = InboundMessage.objects.filter(message_id=message_id).order_by("pk")
        list(first.select_for_update().values_list("pk", flat=True)[:1])


def _parsed_again(inbound: InboundMessage) -> ParsedMessage | None:
    if inbound.status == InboundStatus.PENDING:
        # Recorded with the routing outcome, or by _mark_routing_failed when routing fails.
        return parse_inbound(inbound, record=False)
    if inbound.status != InboundStatus.PARSED:
        return None
    try:
        return parse_message(inbound.raw_bytes)
    except Exception:  # it parsed before; treat a failure now like any parse failure
        return parse_inbound(inbound)


def _record_outcome(inbound: InboundMessage, outcome: routing.Outcome) -> None:
    """Write the outcome on the row, unless another worker routed it first (RoutedElsewhere)."""
    inbound.ticket = outcome.ticket
    inbound.ticket_message = outcome.message
    inbound.mail_filter = outcome.mail_filter
    inbound.processed_at = timezone.now()
    if outcome.repeat:
        inbound.status = InboundStatus.REPEAT
    elif outcome.review_reason:
        inbound.status = InboundStatus.NEEDS_REVIEW
        inbound.review_reason = outcome.review_reason
    unrouted = InboundMessage.objects.filter(pk=inbound.pk, processed_at__isnull=True)
    if not unrouted.update(**{name: getattr(inbound, name) for name in OUTCOME_FIELDS}):
        raise RoutedElsewhere


def _mark_routing_failed(inbound: InboundMessage, exc: Exception) -> None:
    failed = {
        "status": InboundStatus.NEEDS_REVIEW,
        "review_reason": ReviewReason.ROUTING_FAILED,
        "parse_error": without_controls(ROUTING_ERROR % exc, multiline=True)[:10000],
        "processed_at": timezone.now(),
    }
    unrouted = InboundMessage.objects.filter(pk=inbound.pk, processed_at__isnull=True)
    if inbound.status != InboundStatus.FAILED:
        # The parse result was to be written with the outcome: keep sender and subject for
        # the inbox. Should the database refuse one of its values, the failure alone.
        parsed = {name: getattr(inbound, name) for name in PARSED_FIELDS}
        try:
            with transaction.atomic():
                unrouted.update(**(parsed | failed))
        except Exception:
            logger.exception("inbound %s: parse result not recorded", inbound.pk)
        else:
            return
    unrouted.update(**failed)


@dataclass(frozen=True)
class IngestResult:
    inbound: InboundMessage
    created: bool


def ingest_raw_message(raw: bytes, *, source: str) -> IngestResult:
    """Store, parse and route one message; the same bytes are stored and routed once.

    Only storing may raise (the caller reports "not stored"); once the bytes are
    stored, parsing and routing problems end up on the row, which then waits in the
    inbox. A message stored before but never routed (the process died in between)
    is routed now.
    """
    inbound, created = store_raw_message(raw, source=source)
    try:
        route_message(inbound)
    except Exception as exc:  # stored is stored: the row must not stay pending unseen
        logger.exception("inbound %s: processing failed", inbound.pk)
        _mark_routing_failed(inbound, exc)
        inbound.refresh_from_db(fields=OUTCOME_FIELDS)
    return IngestResult(inbound=inbound, created=created)


def purge_repeats(*, now: datetime.datetime | None = None) -> int:
    """Delete repeat deliveries recorded more than INBOUND_REPEAT_KEEP_DAYS ago; how many.

    A repeat adds nothing to a ticket (the delivery it repeats is kept); its bytes are
    kept a while only to trace a mail loop or an MTA retrying. Raw files go with them.
    """
    moment = (now or timezone.now()) - datetime.timedelta(days=settings.INBOUND_REPEAT_KEEP_DAYS)
    old = InboundMessage.objects.without_raw().filter(
        status=InboundStatus.REPEAT, processed_at__lt=moment
    )
    count = 0
    for inbound in old.iterator():
        if inbound.raw_file:
            inbound.raw_file.delete(save=False)
        inbound.delete()
        count += 1
    return count
