"""The webhook sender: claims due deliveries, POSTs them signed, records the outcome.

Delivery is at-least-once with a stable delivery id, leased like the e-mail outbox: a
claimed row is `sending` until `next_attempt_at`; if its worker dies, the lease runs out
(or the restarted worker of the same identity releases it at once) and the row is sent
again with the same id and body. Any answer but 2xx, a timeout or a refused connection is
retried with exponential backoff up to WEBHOOK_MAX_ATTEMPTS. Redirects are not followed.
"""

from __future__ import annotations

import http.client
import logging
import socket
import ssl
import time
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext

from ticketdesk.core.crypto import SecretUnreadable, reveal
from ticketdesk.core.leases import LeasedQueue

from . import services
from .models import PENDING_STATUSES, PING_EVENT, DeliveryStatus, WebhookDelivery
from .signing import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signature
from .urlcheck import Target, resolve_target

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 50
SNIPPET_LENGTH = 500
RESPONSE_READ_LIMIT = 64 * 1024
USER_AGENT = "Ticketdesk-Webhooks/1"
QUEUE = LeasedQueue(
    WebhookDelivery,
    sending=DeliveryStatus.SENDING,
    queued=DeliveryStatus.QUEUED,
    pending=PENDING_STATUSES,
    label="webhooks",
)


@dataclass
class SendReport:
    claimed: int = 0
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    released: int = 0

    def __iadd__(self, other: SendReport) -> SendReport:
        for field in fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))
        return self


@dataclass(frozen=True)
class Outcome:
    """One attempt: the answer (if any) and whether trying again could help."""

    status_code: int | None = None
    snippet: str = ""
    error: str = ""
    permanent: bool = False
    duration_ms: int | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after the `attempts`-th failed attempt: base · 2^(n-1), capped."""
    base = settings.WEBHOOK_RETRY_BASE_SECONDS
    cap = settings.WEBHOOK_RETRY_MAX_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


def next_due_at() -> datetime | None:
    """When the earliest pending delivery becomes due (None: nothing pending)."""
    return WebhookDelivery.objects.pending().aggregate(due=Min("next_attempt_at"))["due"]


def drain_deliveries(*, batch_size: int = DEFAULT_BATCH_SIZE) -> SendReport:
    """Deliver batches until nothing is due; return the totals."""
    total = SendReport()
    while batch := send_due_deliveries(limit=batch_size):
        total += batch
    return total


def send_due_deliveries(*, limit: int = DEFAULT_BATCH_SIZE) -> SendReport | None:
    """Claim up to `limit` due rows and try each once; None when nothing was due."""
    worker = QUEUE.new_lease()
    lease = timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS)
    batch = QUEUE.claim(limit=limit, worker=worker, lease=lease, related=["subscription"])
    if not batch:
        return None
    # Stop taking rows well before the lease ends, so no other worker resends one in flight.
    deadline = time.monotonic() + lease.total_seconds() * 0.8
    report = SendReport(claimed=len(batch))
    for index, row in enumerate(batch):
        if index and time.monotonic() > deadline:
            _release(batch[index:], report)
            break
        _record(row, attempt(row), report)
    logger.info("webhooks: %s", report)
    return report


def release_predecessor_leases() -> int:
    """Hand back, due now, the deliveries leased by a dead earlier process of this identity."""
    return QUEUE.release_predecessors()


def attempt(row: WebhookDelivery) -> Outcome:
    """One signed POST of the row's body to its subscription; never raises."""
    subscription = row.subscription
    if not subscription.is_active and row.event != PING_EVENT:
        return Outcome(error=gettext("The subscription is inactive."), permanent=True)
    try:
        secret = reveal(subscription.secret)
    except SecretUnreadable:
        error = gettext("The stored secret cannot be decrypted; rotate it.")
        return Outcome(error=error, permanent=True)
    try:
        target = resolve_target(subscription.url)
    except ValidationError as error:
        # A refused address stays refused; a name that does not resolve may come back.
        return Outcome(error=" ".join(error.messages), permanent=error.code == "address")
    body = row.body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature(secret, timestamp=int(time.time()), body=body),
        DELIVERY_HEADER: str(row.uuid),
        EVENT_HEADER: row.event,
    }
    started = time.monotonic()
    try:
        status, content = post(target, headers=headers, body=body)
    except (OSError, http.client.HTTPException) as exc:
        error = f"{type(exc).__name__}: {exc}"
        return Outcome(error=error, duration_ms=_since(started))
    snippet = content.decode("utf-8", "replace")[:SNIPPET_LENGTH]
    return Outcome(status_code=status, snippet=snippet, duration_ms=_since(started))


def post(target: Target, *, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
    """POST to the checked address of `target` (TLS verified against its host name)."""
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    conn: http.client.HTTPConnection
    if target.scheme == "https":
        context = ssl.create_default_context()
        conn = http.client.HTTPSConnection(
            target.host, target.port, timeout=timeout, context=context
        )
    else:
        conn = http.client.HTTPConnection(target.host, target.port, timeout=timeout)

    def connect_to_checked_address(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        # The host name stays for the Host header and TLS; the socket goes where we checked.
        return socket.create_connection((target.address, address[1]), *args, **kwargs)

    conn._create_connection = connect_to_checked_address  # type: ignore[attr-defined]
    try:
        conn.request("POST", target.path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read(RESPONSE_READ_LIMIT)
    finally:
        conn.close()


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _record(row: WebhookDelivery, outcome: Outcome, report: SendReport) -> None:
    now = timezone.now()
    result: dict[str, Any] = {
        "last_attempt_at": now,
        "status_code": outcome.status_code,
        "response_snippet": outcome.snippet,
        "last_error": outcome.error[:2000],
        "duration_ms": outcome.duration_ms,
        "claimed_by": "",
    }
    mine = WebhookDelivery.objects.filter(pk=row.pk, claimed_by=row.claimed_by)
    if outcome.ok:
        mine.update(status=DeliveryStatus.DELIVERED, delivered_at=now, **result)
        if row.event != PING_EVENT:
            services.record_success(row.subscription_id)
        report.delivered += 1
        return
    # A test is one attempt: its result is what the administrator waits for.
    give_up = (
        outcome.permanent
        or row.event == PING_EVENT
        or row.attempts >= settings.WEBHOOK_MAX_ATTEMPTS
    )
    mine.update(
        status=DeliveryStatus.FAILED if give_up else DeliveryStatus.QUEUED,
        next_attempt_at=now if give_up else now + retry_delay(row.attempts),
        **result,
    )
    if give_up:
        report.failed += 1
    else:
        report.retried += 1
    if row.event != PING_EVENT and row.subscription.is_active:
        services.record_failure(row.subscription_id)


def _release(rows: list[WebhookDelivery], report: SendReport) -> None:
    QUEUE.release(rows)
    report.released += len(rows)
