"""The time panel of the ticket page: totals, running timers, segments, the add form.

`ticket_time_context(ticket, user)` builds it in three queries whatever the number of
segments, agents or timers (the ticket's category must be loaded with it, as the ticket
page does). It only reads: a GET of the ticket page never writes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .forms import SegmentForm
from .models import TimerStretch, TimeSegment, Totals
from .permissions import can_change_segment, can_log_time
from .services import default_billable, running_stretches, stretch_minutes

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User
    from ticketdesk.tickets.models import Ticket

# The panel lists the newest segments; older ones still count in every total.
SEGMENT_LIST_LIMIT = 50
PANEL_TEMPLATE = "timekeeping/ticket_time.html"
PANEL_PARTIAL = f"{PANEL_TEMPLATE}#ticket-time"


@dataclass(frozen=True)
class AgentTotal:
    name: str
    totals: Totals


@dataclass(frozen=True)
class SegmentRow:
    segment: TimeSegment
    can_change: bool


@dataclass(frozen=True)
class RunningTimer:
    agent: str
    since: datetime.datetime
    minutes: int
    is_mine: bool


def agent_totals(ticket: Ticket) -> tuple[Totals, list[AgentTotal]]:
    """The ticket's totals and each agent's, from one GROUP BY query."""
    rows = TimeSegment.objects.for_ticket(ticket).totals_by(
        "agent", "agent__full_name", "agent__email"
    )
    per_agent = [
        AgentTotal(
            name=row["agent__full_name"] or row["agent__email"],
            totals=Totals(total=row["total"], billable=row["billable"], count=row["count"]),
        )
        for row in rows
    ]
    per_agent.sort(key=lambda a: (-a.totals.total, a.name.lower()))
    total = Totals(
        total=sum(a.totals.total for a in per_agent),
        billable=sum(a.totals.billable for a in per_agent),
        count=sum(a.totals.count for a in per_agent),
    )
    return total, per_agent


def running_timer(stretch: TimerStretch, user: User) -> RunningTimer:
    return RunningTimer(
        agent=str(stretch.agent),
        since=stretch.started_at,
        minutes=stretch_minutes(stretch.elapsed_seconds()),
        is_mine=stretch.agent_id == user.pk,
    )


def timer_config(ticket: Ticket, user: User) -> dict[str, Any] | None:
    """What timer.js reads from the page (data- attributes); None when no timer runs."""
    if not can_log_time(user):
        return None
    return {
        "url": reverse("timekeeping:heartbeat", args=[ticket.number]),
        "interval": int(getattr(settings, "TIMER_HEARTBEAT_SECONDS", 30)),
    }


def add_form_for(ticket: Ticket) -> SegmentForm:
    return SegmentForm(
        initial={"date": timezone.localdate(), "billable": default_billable(ticket)},
        prefix="time",
    )


def ticket_time_context(
    ticket: Ticket,
    user: User,
    *,
    add_form: SegmentForm | None = None,
    edit_segment: TimeSegment | None = None,
    edit_form: SegmentForm | None = None,
    flash: list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """The panel's context; put it in the ticket page's context as `time`.

    `add_form` / `edit_form` are bound forms to show again with their errors;
    `edit_segment` is the segment whose row shows `edit_form` in place.
    """
    total, per_agent = agent_totals(ticket)
    segments = list(
        TimeSegment.objects.for_ticket(ticket).select_related("agent")[:SEGMENT_LIST_LIMIT]
    )
    now = timezone.now()
    running = [running_timer(s, user) for s in running_stretches(ticket, now=now)]
    can_log = can_log_time(user)
    return {
        "ticket": ticket,
        "totals": total,
        "per_agent": per_agent,
        "running": running,
        "mine": next((r for r in running if r.is_mine), None),
        "segments": [SegmentRow(s, can_change_segment(user, s)) for s in segments],
        "hidden_count": total.count - len(segments),
        "can_log": can_log,
        "add_form": add_form or (add_form_for(ticket) if can_log else None),
        "edit_pk": edit_segment.pk if edit_segment is not None else None,
        "edit_form": edit_form,
        "timer": timer_config(ticket, user),
        "flash": flash or [],
    }
