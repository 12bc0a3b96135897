"""The periodic background task that fetches the IMAP mailboxes, and how it is kept scheduled.

`fetch_mailboxes` runs one fetch over every active mailbox and, before it starts,
enqueues its own next run INBOUND_FETCH_INTERVAL_SECONDS later, so a worker that
dies in the middle of a run still leaves the next one queued. The chain starts when
a mailbox is saved active (`schedule_fetch` on commit) and ends by itself when no
active mailbox is left. Runs are idempotent: the mailbox lease keeps two runs off
the same folder and the store records each message once.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from ticketdesk.core.tasks import enqueue_unless_waiting
from ticketdesk.inbound.models import Mailbox

from .fetcher import fetch_all_mailboxes


def fetch_interval() -> timedelta:
    return timedelta(seconds=settings.INBOUND_FETCH_INTERVAL_SECONDS)


@task()
def fetch_mailboxes() -> list[dict[str, Any]]:
    """Fetch every active mailbox once; the next run is queued first."""
    if Mailbox.objects.active().exists():
        schedule_fetch(at=timezone.now() + fetch_interval())
    return [asdict(report) for report in fetch_all_mailboxes()]


def schedule_fetch(at: datetime | None = None) -> None:
    """Enqueue `fetch_mailboxes` for `at` (now when None) unless a queued run covers it.

    With the database backend this keeps the chain single: every run and every saved
    mailbox asks for a run, and only the first request is queued. Other backends cannot
    be asked, so each saved mailbox may start a further chain there (harmless: the
    lease serializes them, the store deduplicates).
    """
    enqueue_unless_waiting(fetch_mailboxes, at=at)
