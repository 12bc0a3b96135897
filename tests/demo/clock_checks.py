"""What the ticket services would have stored for the SLA clock, checked ticket by ticket.

Shared by the demo data and the generator tests. The expectations are computed here from
the ticket's own times, its status periods and the instance calendar, independently of
`sla_clock`, so a generator that skipped or misordered a step shows up as a mismatch.
"""

from __future__ import annotations

import datetime
import math
from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet

from ticketdesk.sla.calendar import BusinessCalendar
from ticketdesk.sla.services import instance_calendar
from ticketdesk.tickets.models import EventAction, Priority, StatusPeriod, Ticket, TicketEvent

MINUTE = datetime.timedelta(minutes=1)


def clocked_tickets() -> QuerySet[Ticket]:
    """Every ticket with what the checks read, in a fixed number of queries."""
    repricing = TicketEvent.objects.filter(action=EventAction.CHANGED, field="priority")
    return (
        Ticket.objects.select_related("status", "priority")
        .prefetch_related(
            "status_periods__status",
            Prefetch("events", repricing.order_by("created_at"), to_attr="repricings"),
        )
        .annotate(
            reopened_events=Count("events", filter=Q(events__action=EventAction.REOPENED)),
            status_events=Count(
                "events", filter=Q(events__action=EventAction.CHANGED, events__field="status")
            ),
        )
        .order_by("pk")
    )


def check_clocks(tickets: Iterable[Ticket]) -> Counter[str]:
    """Assert every ticket's clock fields; returns how often each case was seen."""
    calendar = instance_calendar()
    priorities = Priority.objects.in_bulk()
    seen: Counter[str] = Counter()
    for ticket in tickets:
        periods = sorted(ticket.status_periods.all(), key=lambda p: p.started_at)
        _check_periods(ticket, periods)
        stretches = _pause_stretches(ticket, periods)
        finished = [(start, end) for start, end in stretches if end is not None]
        paused = sum(_business(calendar, start, end) for start, end in finished)
        assert ticket.sla_paused_minutes == paused, ticket
        running = [start for start, end in stretches if end is None]
        assert ticket.sla_paused_at == (running[0] if running else None), ticket
        _check_targets(ticket, calendar)
        _check_first_response(ticket, calendar, finished, priorities)
        _check_resolution(ticket, calendar)
        _check_due(ticket, calendar)
        assert ticket.reopen_count == ticket.reopened_events, ticket
        seen.update(_cases(ticket))
    return seen


def _business(calendar: BusinessCalendar, start: datetime.datetime, end: datetime.datetime) -> int:
    return math.floor(calendar.business_minutes_between(start, end))


def _target(
    calendar: BusinessCalendar, ticket: Ticket, minutes: float | None, paused: int
) -> datetime.datetime | None:
    if minutes is None:
        return None
    return calendar.add_business_minutes(ticket.opened_at, minutes + paused)


def _check_periods(ticket: Ticket, periods: list[StatusPeriod]) -> None:
    """Finished periods chain from the opening to status_since, one per status change."""
    assert len(periods) == ticket.status_events, ticket
    since = ticket.opened_at
    following = [p.status for p in periods[1:]] + [ticket.status]
    for period, next_status in zip(periods, following, strict=False):
        assert period.started_at == since, ticket
        assert period.ended_at >= period.started_at, ticket
        assert period.minutes == (period.ended_at - period.started_at) // MINUTE, ticket
        assert next_status != period.status, ticket
        since = period.ended_at
    assert ticket.status_since == since, ticket


def _pause_stretches(
    ticket: Ticket, periods: list[StatusPeriod]
) -> list[tuple[datetime.datetime, datetime.datetime | None]]:
    """(start, end) of each unbroken time in pausing open statuses; end None: still paused."""
    stretches: list[tuple[datetime.datetime, datetime.datetime | None]] = []
    start = None
    spans = [(p.status, p.started_at) for p in periods] + [(ticket.status, ticket.status_since)]
    for status, began in spans:
        pauses = status.pauses_sla and not status.is_closed
        if pauses and start is None:
            start = began
        elif not pauses and start is not None:
            stretches.append((start, began))
            start = None
    if start is not None:
        stretches.append((start, None))
    return stretches


def _check_targets(ticket: Ticket, calendar: BusinessCalendar) -> None:
    priority, paused = ticket.priority, ticket.sla_paused_minutes
    expected = _target(calendar, ticket, priority.resolution_minutes, paused)
    assert ticket.target_resolution_at == expected, ticket
    expected = _target(calendar, ticket, priority.first_response_minutes, paused)
    assert ticket.target_first_response_at == expected, ticket


def _check_first_response(
    ticket: Ticket,
    calendar: BusinessCalendar,
    finished: list[tuple[datetime.datetime, datetime.datetime]],
    priorities: dict[int, Priority],
) -> None:
    answered = ticket.first_response_at
    if answered is None:
        assert ticket.first_response_minutes is None, ticket
        assert ticket.first_response_business_minutes is None, ticket
        assert ticket.first_response_breached is None, ticket
        return
    assert ticket.first_response_minutes == (answered - ticket.opened_at) // MINUTE, ticket
    business = _business(calendar, ticket.opened_at, answered)
    assert ticket.first_response_business_minutes == business, ticket
    # Measured against the target as it stood then: the priority of that moment, the pauses
    # that had ended before.
    later = [e for e in ticket.repricings if e.created_at > answered]
    priority = priorities[int(later[0].old_key)] if later else ticket.priority
    paused = sum(_business(calendar, start, end) for start, end in finished if end < answered)
    target = _target(calendar, ticket, priority.first_response_minutes, paused)
    breached = answered > target if target is not None else None
    assert ticket.first_response_breached == breached, ticket


def _check_resolution(ticket: Ticket, calendar: BusinessCalendar) -> None:
    closed = ticket.closed_at
    if closed is None:
        if ticket.reopen_count == 0:
            assert ticket.resolution_minutes is None, ticket
            assert ticket.resolution_breached is None, ticket
        return
    assert ticket.status.is_closed, ticket
    assert ticket.resolution_minutes == (closed - ticket.opened_at) // MINUTE, ticket
    business = _business(calendar, ticket.opened_at, closed)
    assert ticket.resolution_business_minutes == business, ticket
    target = ticket.target_resolution_at
    assert ticket.resolution_breached == (closed > target if target is not None else None), ticket


def _check_due(ticket: Ticket, calendar: BusinessCalendar) -> None:
    """The running target: the nearer pending one while open and not paused, else none."""
    if ticket.status.is_closed or ticket.sla_paused_at is not None:
        assert ticket.sla_due_at is None, ticket
        assert ticket.sla_at_risk_at is None, ticket
        return
    priority = ticket.priority
    pending = [(ticket.target_resolution_at, priority.resolution_minutes)]
    if ticket.first_response_at is None:
        pending.append((ticket.target_first_response_at, priority.first_response_minutes))
    pending = [(target, minutes) for target, minutes in pending if target is not None]
    if not pending:
        assert ticket.sla_due_at is None, ticket
        assert ticket.sla_at_risk_at is None, ticket
        return
    due, minutes = min(pending)
    assert ticket.sla_due_at == due, ticket
    # At risk once less than SLA_WARNING_MINUTES or a fifth of the target time is left.
    margin = max(settings.SLA_WARNING_MINUTES, minutes / 5)
    at_risk = _target(calendar, ticket, max(0, minutes - margin), ticket.sla_paused_minutes)
    assert ticket.sla_at_risk_at == at_risk, ticket


def _cases(ticket: Ticket) -> list[str]:
    cases = []
    if ticket.status.is_closed:
        cases.append("closed")
        cases.append("resolution breached" if ticket.resolution_breached else "resolved in time")
    elif ticket.sla_paused_at is not None:
        cases.append("paused")
    elif ticket.sla_due_at is not None:
        cases.append("running")
    if ticket.first_response_at is not None:
        cases.append("answered")
    else:
        cases.append("unanswered")
    if ticket.sla_paused_minutes:
        cases.append("paused before")
    if ticket.reopen_count:
        cases.append("reopened")
    return cases
