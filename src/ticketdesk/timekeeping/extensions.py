"""What time keeping adds to other apps' pages: the start page, the ticket list export."""

from __future__ import annotations

from typing import Any

from django.db.models import Expression, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone

from .models import TimerStretch, TimeSegment
from .permissions import can_log_time
from .services import idle_timeout


def my_time_today(request: HttpRequest) -> dict[str, Any] | None:
    """The agent's own time today (entries plus running timers); two queries."""
    user = request.user
    if not can_log_time(user):
        return None
    now = timezone.now()
    totals = TimeSegment.objects.by_agent(user).on_day(timezone.localdate(now)).totals()
    running = TimerStretch.objects.fresh(now, idle_timeout()).filter(agent=user)
    # Up to the last heartbeat: the server counts only what the page has reported.
    running_minutes = sum(
        round((s.last_heartbeat_at - s.started_at).total_seconds() / 60) for s in running
    )
    return {
        "total": totals.total + running_minutes,
        "billable": totals.billable,
        "running": running_minutes,
    }


def minutes_per_ticket(*, billable_only: bool = False) -> Expression:
    """Per ticket (an outer Ticket query): the minutes logged, 0 when none."""
    rows = TimeSegment.objects.filter(ticket=OuterRef("pk"))
    if billable_only:
        rows = rows.filter(billable=True)
    total = rows.order_by().values("ticket").annotate(total=Sum("minutes")).values("total")
    return Coalesce(Subquery(total), 0)
