"""Background task that drains the outbox, and the scheduling that avoids piling up copies."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from django.db.models import Q
from django.tasks import task
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

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
    """Enqueue `send_outbox` to run at `at` (now when None) unless a waiting run covers it."""
    now = timezone.now()
    run_after = at if at is not None and at > now else None
    backend = send_outbox.get_backend()
    if run_after is not None and not backend.supports_defer:
        return  # this backend cannot wait; the next queue_mail or `send_mail` picks it up
    if _waiting_run_exists(by=run_after or now):
        return
    (send_outbox.using(run_after=run_after) if run_after else send_outbox).enqueue()


def _waiting_run_exists(*, by: datetime) -> bool:
    """True if the database backend already holds a not-yet-started run due by `by`.

    Every committed queue_mail schedules a run; without this check a burst of
    mails leaves as many runs, all but the first finding nothing to do.
    """
    if not isinstance(send_outbox.get_backend(), DatabaseBackend):
        return False
    return (
        DBTaskResult.objects.filter(status="READY", task_path=send_outbox.module_path)
        .filter(Q(run_after=get_date_max()) | Q(run_after__lte=by))
        .exists()
    )
