"""Background task of time keeping: ending timers that stopped sending heartbeats."""

from __future__ import annotations

import datetime

from django.db.models import Min
from django.tasks import task
from django.utils import timezone

from ticketdesk.core.tasks import enqueue_unless_waiting

# Run a moment after a stretch turns idle, not at the exact second it still counts as fresh.
MARGIN = datetime.timedelta(seconds=1)


@task()
def close_idle_timers() -> int:
    """End idle stretches, then come back when the next running one can turn idle.

    Idempotent; runs only while timers run (each new stretch asks for a run), so an idle
    helpdesk queues nothing.
    """
    from .models import TimerStretch
    from .services import close_idle_stretches, idle_timeout

    ended = close_idle_stretches(timezone.now())
    oldest = TimerStretch.objects.aggregate(at=Min("last_heartbeat_at"))["at"]
    if oldest is not None:
        schedule_idle_check(at=oldest + idle_timeout())
    return ended


def schedule_idle_check(*, at: datetime.datetime | None = None) -> None:
    """Queue close_idle_timers for `at` (now when None) unless a waiting run comes earlier."""
    enqueue_unless_waiting(close_idle_timers, at=at + MARGIN if at is not None else None)
