"""Background task of contracts: the daily points summary to the administrators."""

from __future__ import annotations

from django.tasks import task

from ticketdesk.core.tasks import continue_daily


@task()
def send_points_summary_daily() -> bool:
    """Send today's summary (once per day: the service records the day); the next run is
    queued first, so a failure keeps the cycle."""
    from .services.mails import send_points_summary

    continue_daily(send_points_summary_daily)
    return send_points_summary()
