"""Queueing outgoing mail and retrying it: the outbox's write API for other apps.

How another app sends an e-mail (e.g. the ticket notification rules)
---------------------------------------------------------------------
Render subject, text and HTML yourself (in the recipient's language), then,
inside the transaction of the change that causes the mail::

    from ticketdesk.outbox.services import queue_mail
    from ticketdesk.outbox.models import MailKind

    mail = queue_mail(
        to=["kim@customer.example"],
        cc=["boss@customer.example"],
        subject="[#T-1234] Status changed",       # tag the subject yourself
        text=text_body,
        html=html_body,                            # optional
        auto_generated=True,                       # notification → True; agent reply → False
        kind=MailKind.NOTIFICATION,                # or MailKind.REPLY
        in_reply_to=previous_message_id,           # optional threading
        references=thread_message_ids,             # oldest first; may omit in_reply_to
        reference="T-1234",                        # free text: filter key on the outbox page
        language="en",
    )
    ticket_message.outbound_message_id = mail.message_id   # store it for threading

What you get:

- A row in the caller's transaction: a rollback leaves no row and sends
  nothing. The sender task is enqueued with `transaction.on_commit`.
- `mail.message_id` (`<hex@support-domain>`) is fixed now and used for every
  delivery attempt, so store it for In-Reply-To / References of later mails.
  Pass `message_id=make_message_id()` yourself when you need it before queueing.
- `auto_generated=True` adds `Auto-Submitted: auto-generated` and
  `X-Auto-Response-Suppress: All`; `False` sends plain human mail.
- Reply-To defaults to the sender address (the support mailbox); From
  defaults to DEFAULT_FROM_EMAIL.
- Attachments are files in default storage: `MailAttachment(path=..., filename=...)`.
- Delivery state: `OutboundMail.objects.filter(message_id=...)` or
  `.for_reference("T-1234")`; `status` is queued / sending / sent / failed,
  `last_error` says why. A timeline can show `mail.get_status_display()`.

Addresses are not validated here (a malformed contact address must not block
the ticket change); the sender marks such a row failed with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticketdesk.core.housekeeping import cutoff, delete_in_batches
from ticketdesk.outbox.headers import (
    AUTO_GENERATED_HEADERS,
    checked_extra_headers,
    make_message_id,
    normalize_message_id,
    threading_headers,
)
from ticketdesk.outbox.models import RETRYABLE_STATUSES, MailKind, MailStatus, OutboundMail
from ticketdesk.outbox.tasks import schedule_sender

CANNOT_RETRY = _("Only failed or queued e-mails can be retried.")
SUBJECT_MAX_LENGTH = 998  # RFC 5322 §2.1.1 line limit


@dataclass(frozen=True)
class MailAttachment:
    """A file in default storage to attach; `filename` defaults to its base name."""

    path: str
    filename: str = ""
    mimetype: str = ""


def queue_mail(
    *,
    to: Sequence[str],
    subject: str,
    text: str,
    auto_generated: bool,
    html: str = "",
    cc: Sequence[str] = (),
    reply_to: str | Sequence[str] | None = None,
    from_email: str | None = None,
    in_reply_to: str = "",
    references: Sequence[str] = (),
    headers: Mapping[str, str] | None = None,
    attachments: Sequence[MailAttachment] = (),
    reference: str = "",
    kind: MailKind | str = MailKind.NOTIFICATION,
    language: str = "",
    message_id: str | None = None,
) -> OutboundMail:
    """Write one outgoing e-mail into the outbox; the sender task delivers it after commit.

    Side effects: one OutboundMail row; `send_outbox` enqueued on commit.
    Raises ValueError for programming errors (no recipient, reserved or
    multi-line extra headers, malformed Message-IDs).
    """
    recipients = _clean_addresses(to)
    copies = [a for a in _clean_addresses(cc) if a.lower() not in {r.lower() for r in recipients}]
    if not recipients and not copies:
        raise ValueError("queue_mail needs at least one recipient")
    sender = from_email or settings.DEFAULT_FROM_EMAIL
    extra = checked_extra_headers(headers or {})
    extra.update(threading_headers(in_reply_to=in_reply_to, references=references))
    if auto_generated:
        extra.update(AUTO_GENERATED_HEADERS)
    mail = OutboundMail.objects.create(
        message_id=normalize_message_id(message_id) if message_id else make_message_id(),
        from_email=sender,
        to=recipients,
        cc=copies,
        reply_to=_clean_addresses(
            [reply_to] if isinstance(reply_to, str) else reply_to or [sender]
        ),
        subject=" ".join(subject.split())[:SUBJECT_MAX_LENGTH],
        text_body=text,
        html_body=html,
        headers=extra,
        attachments=[asdict(a) for a in attachments],
        kind=MailKind(kind),
        reference=reference[:100],
        language=language,
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(schedule_sender, robust=True)
    return mail


@transaction.atomic
def retry_mail(mail: OutboundMail) -> OutboundMail:
    """Make a failed (or waiting) e-mail due now with a fresh attempt budget.

    Side effects: the row is queued again; `send_outbox` enqueued on commit.
    """
    if not requeue(OutboundMail.objects.filter(pk=mail.pk, status__in=RETRYABLE_STATUSES)):
        raise ValidationError(CANNOT_RETRY)
    mail.refresh_from_db()
    return mail


@transaction.atomic
def retry_failed_mail(*, reference: str = "") -> int:
    """Queue every failed e-mail again (only those of `reference` if given); return the count."""
    return requeue(OutboundMail.objects.matching(status=MailStatus.FAILED, reference=reference))


@transaction.atomic
def requeue(mails: QuerySet[OutboundMail]) -> int:
    """Make the given e-mails due now with a fresh attempt budget; return how many.

    Side effects: the rows are queued again; `send_outbox` enqueued on commit.
    """
    count = mails.update(
        status=MailStatus.QUEUED, attempts=0, next_attempt_at=timezone.now(), claimed_by=""
    )
    if count:
        transaction.on_commit(schedule_sender, robust=True)
    return count


def prune_sent_mail(*, now: datetime | None = None) -> int:
    """Delete e-mails sent more than OUTBOX_SENT_KEEP_DAYS ago, in batches; return how many.

    Queued, sending and failed rows stay whatever their age. Attached files belong to
    whoever queued the mail (ticket attachments) and stay too.
    """
    moment = cutoff(settings.OUTBOX_SENT_KEEP_DAYS, now=now)
    return delete_in_batches(OutboundMail.objects.sent_before(moment))


def _clean_addresses(addresses: Sequence[str]) -> list[str]:
    """Stripped, without blanks and case-insensitive duplicates, order kept."""
    seen: set[str] = set()
    cleaned = []
    for address in addresses:
        address = address.strip()
        if address and address.lower() not in seen:
            seen.add(address.lower())
            cleaned.append(address)
    return cleaned
