"""Background tasks of the outbox: the sender (without piling up copies) and the daily pruning."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from django.tasks import task

from ticketdesk.core.tasks import continue_daily, enqueue_unless_waiting
from ticketdesk.outbox.sender import drain_outbox, next_due_at


@task()
def send_outbox() -> dict[str, int]:
    """Send everything due, then schedule the next run for rows waiting on backoff.

    Idempotent: takes no ids, claims whatever is due; a second copy finds nothing.
    """
    report = drain_outbox()
    if (due := next_due_at()) is not None:
        schedule_sender(at=due)
    return asdict(report)


def schedule_sender(at: datetime | None = None) -> None:
    """Enqueue `send_outbox` for `at` (now when None) unless a waiting run covers it.

    Every committed queue_mail asks for a run; a burst of mails leaves one.
    """
    enqueue_unless_waiting(send_outbox, at=at)


@task()
def prune_sent_mail_daily() -> int:
    """Prune old sent e-mails; the next run is queued first, so a failure keeps the cycle."""
    from ticketdesk.outbox.services import prune_sent_mail  # services queue the sender from here

    continue_daily(prune_sent_mail_daily)
    return prune_sent_mail()
