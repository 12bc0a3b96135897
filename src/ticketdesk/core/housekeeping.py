"""Housekeeping: pruning old rows in batches, daily in the worker and on demand from cron.

Each app that keeps rows which only grow defines `housekeeping()` on its AppConfig,
returning what it removed ({"label": count}), and starts its own daily task from
`on_worker_start()`. `ticketdesk housekeeping` runs every app's `housekeeping()` at once.
Core knows no app: it prunes the task results of django-tasks-db itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db import models
from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ticketdesk.core.tasks import continue_daily

# Rows per DELETE: small enough that no statement holds the database (SQLite has one writer)
# for long, so requests and the sender go on between batches.
BATCH_SIZE = 1000
FINISHED_TASK_STATUSES = ("SUCCESSFUL", "FAILED")


def delete_in_batches(rows: models.QuerySet, *, batch_size: int = BATCH_SIZE) -> int:
    """Delete `rows` a batch at a time, each batch its own statement; return how many went."""
    deleted = 0
    while True:
        batch = list(rows.order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not batch:
            return deleted
        deleted += rows.model._base_manager.filter(pk__in=batch).delete()[0]
        if len(batch) < batch_size:
            return deleted


def cutoff(days: int, *, now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=days)


def prune_task_results(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Delete finished task results older than TASK_RESULT_KEEP_DAYS; return how many.

    Waiting and running tasks are never touched.
    """
    old = DBTaskResult.objects.filter(
        status__in=FINISHED_TASK_STATUSES,
        finished_at__lt=cutoff(settings.TASK_RESULT_KEEP_DAYS, now=now),
    )
    return delete_in_batches(old, batch_size=batch_size)


def run_housekeeping() -> dict[str, int]:
    """Call every app's `housekeeping()` now; what each removed, by label."""
    removed: dict[str, int] = {}
    for config in apps.get_app_configs():
        hook: Callable[[], dict[str, int]] | None = getattr(config, "housekeeping", None)
        if callable(hook):
            removed.update(hook())
    return removed


@task()
def prune_task_results_daily() -> int:
    """Prune old task results; the next run is queued first, so a failure keeps the cycle."""
    continue_daily(prune_task_results_daily)
    return prune_task_results()
