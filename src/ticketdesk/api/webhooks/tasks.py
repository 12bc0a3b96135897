"""Background task of the webhooks: the sender, one waiting run at a time."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from django.tasks import task

from ticketdesk.core.tasks import continue_daily, enqueue_unless_waiting


@task()
def send_webhooks() -> dict[str, int]:
    """Deliver everything due, then schedule the next run for rows waiting on backoff.

    Idempotent: takes no ids, claims whatever is due; a second copy finds nothing.
    """
    from .sender import drain_deliveries, next_due_at  # the sender records through services

    report = drain_deliveries()
    if (due := next_due_at()) is not None:
        schedule_webhook_sender(at=due)
    return asdict(report)


def schedule_webhook_sender(at: datetime | None = None) -> None:
    """Enqueue `send_webhooks` for `at` (now when None) unless a waiting run covers it."""
    enqueue_unless_waiting(send_webhooks, at=at)


@task()
def prune_delivery_log_daily() -> int:
    """Prune the delivery log; the next run is queued first, so a failure keeps the cycle."""
    from .services import prune_delivery_log  # services queue the sender from here

    continue_daily(prune_delivery_log_daily)
    return prune_delivery_log()
