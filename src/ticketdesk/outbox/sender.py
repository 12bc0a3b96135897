"""The sender: claims due outbox rows, delivers them over one connection, records the outcome.

Delivery is at-least-once with a stable Message-ID: a row is leased to one
worker (`sending`, lease end in `next_attempt_at`); if that worker dies the
lease runs out and another worker sends the row again with the same
Message-ID, which receivers treat as one message. Nothing else is ever resent.
A worker restarted under the same identity (`ticketdesk serve` keeps it) does
not wait for the lease: its first run releases what its dead predecessor held.
"""

from __future__ import annotations

import logging
import smtplib
import time
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives, mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import Min
from django.utils import timezone

from ticketdesk.core.leases import LeasedQueue
from ticketdesk.outbox.models import PENDING_STATUSES, MailStatus, OutboundMail

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 100
QUEUE = LeasedQueue(
    OutboundMail,
    sending=MailStatus.SENDING,
    queued=MailStatus.QUEUED,
    pending=PENDING_STATUSES,
    label="outbox",
)


@dataclass
class SendReport:
    """What one sender run did. `released`: claimed, then handed back untried."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    released: int = 0

    def __iadd__(self, other: SendReport) -> SendReport:
        for field in fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))
        return self


@dataclass(frozen=True)
class _Failure:
    error: str
    permanent: bool
    connection_lost: bool


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after the `attempts`-th failed attempt: base · 2^(n-1), capped."""
    base = settings.OUTBOX_RETRY_BASE_SECONDS
    cap = settings.OUTBOX_RETRY_MAX_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


def next_due_at() -> datetime | None:
    """When the earliest pending row becomes due (None: nothing pending)."""
    return OutboundMail.objects.pending().aggregate(due=Min("next_attempt_at"))["due"]


def drain_outbox(*, batch_size: int = DEFAULT_BATCH_SIZE) -> SendReport:
    """Send batches until nothing is due; return the totals."""
    total = SendReport()
    while batch := send_due_mail(limit=batch_size):
        total += batch
    return total


def send_due_mail(*, limit: int = DEFAULT_BATCH_SIZE) -> SendReport | None:
    """Claim up to `limit` due rows and try each once; None when nothing was due.

    Side effects: rows move to sent, back to queued (with backoff) or to failed.
    """
    worker = QUEUE.new_lease()
    lease = timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    # Resolved before claiming: a misconfigured mailer raises here and leaves the rows queued.
    backend = mailers.default
    batch = QUEUE.claim(limit=limit, worker=worker, lease=lease)
    if not batch:
        return None
    # Stop taking rows well before the lease ends, so no other worker resends
    # a row this one is still working on.
    deadline = time.monotonic() + lease.total_seconds() * 0.8
    report = SendReport(claimed=len(batch))
    try:
        _deliver(backend, batch, report=report, deadline=deadline)
    finally:
        _close_quietly(backend)
    logger.info("outbox: %s", report)
    return report


def release_predecessor_leases() -> int:
    """Hand back, due now, the mail leased by a dead earlier process of this worker identity."""
    return QUEUE.release_predecessors()


def _deliver(
    backend: BaseEmailBackend, batch: list[OutboundMail], *, report: SendReport, deadline: float
) -> None:
    connected = False
    for index, row in enumerate(batch):
        if index and time.monotonic() > deadline:
            _release(batch[index:], report)
            return
        try:
            message = build_message(row)
        except (OSError, ValueError) as exc:
            _record_failure(row, _Failure(f"{type(exc).__name__}: {exc}", True, False), report)
            continue
        if not connected:
            try:
                backend.open()
            except Exception as exc:
                # Unreachable or misconfigured server: no row is at fault, so even a
                # 5xx greeting is temporary. One timeout per batch is enough.
                failure = _Failure(_classify(exc).error, permanent=False, connection_lost=True)
                for untried in batch[index:]:
                    _record_failure(untried, failure, report)
                return
            connected = True
        try:
            backend.send_messages([message])
        except Exception as exc:
            failure = _classify(exc)
            _record_failure(row, failure, report)
            if failure.connection_lost:
                _close_quietly(backend)
                connected = False
                if _timed_out(exc):
                    # A server that greets and then goes silent would cost a full timeout
                    # for every row; one per batch is enough, the rest wait for the retry.
                    for untried in batch[index + 1 :]:
                        _record_failure(untried, failure, report)
                    return
            continue
        _mark_sent(row, report)


def _timed_out(exc: BaseException) -> bool:
    return isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError)


def build_message(row: OutboundMail) -> EmailMultiAlternatives:
    """The Django e-mail for a row; the stored Message-ID and queue time ride along."""
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.text_body,
        from_email=row.from_email,
        to=row.to,
        cc=row.cc,
        reply_to=row.reply_to,
        headers={
            "Message-ID": row.message_id,
            # RFC 5322 §3.6.1: the time the message was complete, not the
            # time a retry finally got it out.
            "Date": format_datetime(row.created_at),
            **row.headers,
        },
    )
    if row.html_body:
        message.attach_alternative(row.html_body, "text/html")
    for attachment in row.attachments:
        with default_storage.open(attachment["path"], "rb") as file:
            content = file.read()
        filename = attachment.get("filename") or PurePath(attachment["path"]).name
        message.attach(filename, content, attachment.get("mimetype") or None)
    return message


def _classify(exc: Exception) -> _Failure:
    """Temporary (retry later) or permanent (give up), per RFC 5321 reply classes."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        detail = "; ".join(
            f"{address}: {code} {_text(reply)}" for address, (code, reply) in exc.recipients.items()
        )
        return _Failure(detail, all(500 <= code < 600 for code in codes), False)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return _Failure(f"SMTP server disconnected: {exc}", False, True)
    if isinstance(exc, smtplib.SMTPResponseException):
        code = exc.smtp_code
        # 421: the server is closing the channel (RFC 5321 §3.8).
        return _Failure(f"{code} {_text(exc.smtp_error)}", 500 <= code < 600, code == 421)
    if isinstance(exc, OSError):
        # Connection refused, timeouts, resets, TLS trouble; other SMTPExceptions.
        return _Failure(f"{type(exc).__name__}: {exc}", False, True)
    # Malformed addresses or headers (ValueError) and anything unforeseen: resending
    # the same bytes cannot help.
    return _Failure(f"{type(exc).__name__}: {exc}", True, False)


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _mark_sent(row: OutboundMail, report: SendReport) -> None:
    OutboundMail.objects.filter(pk=row.pk, claimed_by=row.claimed_by).update(
        status=MailStatus.SENT, sent_at=timezone.now(), last_error="", claimed_by=""
    )
    report.sent += 1


def _record_failure(row: OutboundMail, failure: _Failure, report: SendReport) -> None:
    give_up = failure.permanent or row.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    now = timezone.now()
    OutboundMail.objects.filter(pk=row.pk, claimed_by=row.claimed_by).update(
        status=MailStatus.FAILED if give_up else MailStatus.QUEUED,
        next_attempt_at=now if give_up else now + retry_delay(row.attempts),
        last_error=failure.error[:2000],
        claimed_by="",
    )
    if give_up:
        report.failed += 1
        logger.warning("outbox: %s failed for good: %s", row.message_id, failure.error)
    else:
        report.retried += 1
        logger.info("outbox: %s will be retried: %s", row.message_id, failure.error)


def _release(rows: list[OutboundMail], report: SendReport) -> None:
    QUEUE.release(rows)
    report.released += len(rows)


def _close_quietly(backend: BaseEmailBackend) -> None:
    try:
        backend.close()
    except Exception:  # a failing QUIT must not hide the delivery outcome
        logger.debug("outbox: closing the mail connection failed", exc_info=True)
