"""Background purge of discarded incoming mail; it re-schedules itself for the next one due."""

from __future__ import annotations

from datetime import datetime

from django.tasks import task
from django.utils import timezone

from .services import next_purge_at, purge_discarded


@task()
def purge_inbound() -> int:
    """Delete discarded messages past retention, then wait for the next one due. Idempotent."""
    count = purge_discarded()
    if (due := next_purge_at()) is not None:
        schedule_purge(at=due)
    return count


def schedule_purge(*, at: datetime) -> None:
    """Enqueue a purge run at `at`; backends that cannot defer leave it to the command."""
    backend = purge_inbound.get_backend()
    if at > timezone.now():
        if not backend.supports_defer:
            return  # `ticketdesk purge_inbound` (cron) covers backends without deferral
        purge_inbound.using(run_after=at).enqueue()
    else:
        purge_inbound.enqueue()
