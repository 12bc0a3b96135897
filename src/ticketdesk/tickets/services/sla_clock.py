"""The SLA clock and lifecycle durations of a ticket, kept in step by every change-set.

Targets count business time (the instance's calendar from `ticketdesk.sla`): the
priority's first-response and resolution minutes from the opening, extended by the
business time the ticket spent in statuses that pause the clock. Denormalised on the
ticket so lists, the dashboard and the warning task filter by index:

- `sla_due_at`: the nearest running target (first response until answered, then
  resolution); empty while paused, closed or without targets.
- `sla_at_risk_at`: from when that target is at risk: less than the larger of
  SLA_WARNING_MINUTES and a fifth of the target time is left, in business time.

Durations (wall-clock and business minutes to first response and to resolution,
whether the target was missed, reopenings, finished status periods) are written in
the same transaction, so reports aggregate columns and never replay events.
"""

from __future__ import annotations

import datetime
import math
from typing import TYPE_CHECKING, NamedTuple

from django.conf import settings

from ticketdesk.sla.calendar import BusinessCalendar, NoOpeningHoursError
from ticketdesk.sla.services import instance_calendar
from ticketdesk.tickets.models import Status, StatusPeriod, Ticket

if TYPE_CHECKING:
    from .changesets import ChangeSet

# At risk once less than this share of the target time is left (or SLA_WARNING_MINUTES).
AT_RISK_SHARE = 0.2

CLOCK_FIELDS = [
    "target_first_response_at",
    "target_resolution_at",
    "sla_paused_at",
    "sla_paused_minutes",
    "sla_due_at",
    "sla_at_risk_at",
]


def start_clock(ticket: Ticket, *, at: datetime.datetime) -> None:
    """Set the targets of a ticket about to be inserted (no query beyond the calendar's)."""
    open_clock(ticket, at=at, calendar=current_calendar())


def advance_clock(changeset: ChangeSet, update_fields: set[str]) -> set[str]:
    """Bring targets and durations up to date with the change-set's changes.

    Called by `ChangeSet.save` before the ticket is written; returns the ticket
    fields it changed. A status change also stores the finished status period.
    """
    ticket = changeset.ticket
    answered = "first_response_at" in update_fields and ticket.first_response_at is not None
    old_status = changeset.previous.get("status")
    left = old_status if "status" in update_fields and isinstance(old_status, Status) else None
    repriced = "priority" in update_fields
    if not (answered or left or repriced):
        return set()
    period, changed = advance(
        ticket,
        at=changeset.at,
        calendar=current_calendar(),
        answered=answered,
        left=left,
        repriced=repriced,
    )
    if period is not None:
        StatusPeriod.objects.create(ticket=ticket, **period._asdict())
    return changed


# --- the arithmetic, on anything shaped like a ticket (the data generator uses it too) ---


class Period(NamedTuple):
    """A finished status period, as StatusPeriod stores it."""

    status: Status
    started_at: datetime.datetime
    ended_at: datetime.datetime
    minutes: int


def current_calendar() -> BusinessCalendar | None:
    """The instance calendar; None when it has no opening hours (the clock then runs always)."""
    calendar = instance_calendar()
    return calendar if calendar.has_opening_hours else None


def advance(
    ticket: Ticket,
    *,
    at: datetime.datetime,
    calendar: BusinessCalendar | None,
    answered: bool = False,
    left: Status | None = None,
    repriced: bool = False,
) -> tuple[Period | None, set[str]]:
    """What saving a change-set does to the clock, in order: (finished period, changed fields).

    `answered`: the change-set set first_response_at; `left`: the status the ticket
    moved away from (ticket.status is the new one); `repriced`: the priority changed.
    """
    if not (answered or left is not None or repriced):
        return None, set()
    changed = set(CLOCK_FIELDS)
    period = None
    if answered:
        changed |= record_first_response(ticket, calendar)
    if left is not None:
        period, fields = change_status(ticket, left, at=at, calendar=calendar)
        changed |= fields
    set_targets(ticket, calendar)
    return period, changed


def open_clock(ticket: Ticket, *, at: datetime.datetime, calendar: BusinessCalendar | None) -> None:
    """Start the clock of a new ticket in its first status."""
    ticket.status_since = at
    if ticket.status.pauses_sla and not ticket.status.is_closed:
        ticket.sla_paused_at = at
    set_targets(ticket, calendar)


def record_first_response(ticket: Ticket, calendar: BusinessCalendar | None) -> set[str]:
    """Durations to the first response just set on the ticket."""
    answered = ticket.first_response_at
    ticket.first_response_minutes = _minutes(answered - ticket.opened_at)
    ticket.first_response_business_minutes = _business(calendar, ticket.opened_at, answered)
    target = ticket.target_first_response_at
    ticket.first_response_breached = answered > target if target is not None else None
    return {"first_response_minutes", "first_response_business_minutes", "first_response_breached"}


def change_status(
    ticket: Ticket, old: Status, *, at: datetime.datetime, calendar: BusinessCalendar | None
) -> tuple[Period, set[str]]:
    """Account for the move from `old` to `ticket.status`: the finished period, changed fields.

    Leaving a pausing status adds the paused business time (targets move later);
    closing records the resolution durations; reopening counts.
    """
    new = ticket.status
    period = Period(old, ticket.status_since, at, _minutes(at - ticket.status_since))
    ticket.status_since = at
    changed = {"status_since"}
    if ticket.sla_paused_at is not None and (not new.pauses_sla or new.is_closed):
        ticket.sla_paused_minutes += _business(calendar, ticket.sla_paused_at, at)
        ticket.sla_paused_at = None
    elif ticket.sla_paused_at is None and new.pauses_sla and not new.is_closed:
        ticket.sla_paused_at = at
    if new.is_closed and not old.is_closed:
        ticket.resolution_minutes = _minutes(at - ticket.opened_at)
        ticket.resolution_business_minutes = _business(calendar, ticket.opened_at, at)
        target = _target(ticket, calendar, ticket.priority.resolution_minutes)
        ticket.resolution_breached = at > target if target is not None else None
        changed |= {"resolution_minutes", "resolution_business_minutes", "resolution_breached"}
    elif old.is_closed and not new.is_closed:
        # Open again: resolved it is not; the next closing records the durations anew.
        ticket.reopen_count += 1
        ticket.resolution_minutes = ticket.resolution_business_minutes = None
        ticket.resolution_breached = None
        changed |= {"reopen_count", "resolution_minutes", "resolution_business_minutes"}
        changed.add("resolution_breached")
    return period, changed


def set_targets(ticket: Ticket, calendar: BusinessCalendar | None) -> None:
    """Both targets from the priority and the paused time; the running target and its risk."""
    priority = ticket.priority
    ticket.target_first_response_at = _target(ticket, calendar, priority.first_response_minutes)
    ticket.target_resolution_at = _target(ticket, calendar, priority.resolution_minutes)
    running = ticket.status.is_open and ticket.sla_paused_at is None
    pending = []
    if running and ticket.first_response_at is None and ticket.target_first_response_at:
        pending.append((ticket.target_first_response_at, priority.first_response_minutes))
    if running and ticket.target_resolution_at:
        pending.append((ticket.target_resolution_at, priority.resolution_minutes))
    if not pending:
        ticket.sla_due_at = ticket.sla_at_risk_at = None
        return
    due, minutes = min(pending)
    margin = max(settings.SLA_WARNING_MINUTES, minutes * AT_RISK_SHARE)
    ticket.sla_due_at = due
    ticket.sla_at_risk_at = _target(ticket, calendar, max(0, minutes - margin))


def _target(
    ticket: Ticket, calendar: BusinessCalendar | None, minutes: float | None
) -> datetime.datetime | None:
    if minutes is None:
        return None
    minutes += ticket.sla_paused_minutes
    if calendar is None:
        return ticket.opened_at + datetime.timedelta(minutes=minutes)
    try:
        return calendar.add_business_minutes(ticket.opened_at, minutes)
    except NoOpeningHoursError:
        return None


def _business(
    calendar: BusinessCalendar | None, start: datetime.datetime, end: datetime.datetime
) -> int:
    if calendar is None:
        return _minutes(end - start)
    return max(0, math.floor(calendar.business_minutes_between(start, end)))


def _minutes(duration: datetime.timedelta) -> int:
    return max(0, math.floor(duration.total_seconds() / 60))
