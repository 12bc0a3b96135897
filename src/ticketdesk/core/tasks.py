"""Scheduling helpers for django.tasks shared by the apps."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.tasks import Task
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

DAY = timedelta(days=1)


def enqueue_unless_waiting(task: Task, *, at: datetime | None = None) -> None:
    """Enqueue the argument-less `task` for `at` (now when None) unless a queued run covers it.

    Callers ask for a run whenever there may be work (every commit, every run of a
    periodic task); only the first request while a run waits is queued. Backends that
    cannot wait (no defer) skip future runs.
    """
    now = timezone.now()
    run_after = at if at is not None and at > now else None
    if run_after is not None and not task.get_backend().supports_defer:
        return
    if waiting_run_exists(task, by=run_after or now):
        return
    (task.using(run_after=run_after) if run_after else task).enqueue()


def waiting_run_exists(task: Task, *, by: datetime) -> bool:
    """True if the database backend holds a run of `task` that has not started and is due by `by`.

    Other backends cannot be asked and always answer False.
    """
    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    return (
        DBTaskResult.objects.filter(status="READY", task_path=task.module_path)
        .filter(Q(run_after=get_date_max()) | Q(run_after__lte=by))
        .exists()
    )


def start_daily(task: Task) -> None:
    """Start the daily cycle of the argument-less `task` (see `start_periodic`)."""
    start_periodic(task, every=DAY)


def continue_daily(task: Task) -> None:
    """From inside a run of `task`: queue the next run a day from now (once, however many ask)."""
    continue_periodic(task, every=DAY)


def start_periodic(task: Task, *, every: timedelta) -> None:
    """Start the cycle of the argument-less `task`: enqueue it now unless it is under way.

    Called at every worker start, by every worker; idempotent. A run waiting for any time,
    or one started within the last period, means the cycle is under way. Only the database
    backend can be asked, so other backends (Redis) leave periodic work to cron.
    """
    if not isinstance(task.get_backend(), DatabaseBackend):
        return
    since = timezone.now() - every
    under_way = DBTaskResult.objects.filter(task_path=task.module_path).filter(
        Q(status="READY") | Q(status="RUNNING", started_at__gte=since)
    )
    if not under_way.exists():
        task.enqueue()


def continue_periodic(task: Task, *, every: timedelta) -> None:
    """From inside a run of `task`: queue the next run `every` from now (once)."""
    enqueue_unless_waiting(task, at=timezone.now() + every)
