"""Time-keeping services: the timer's heartbeats and stretches, and manual time segments.

The timer: every heartbeat from an agent's visible ticket page extends that agent's
stretch on that ticket when the previous heartbeat is at most TIMER_IDLE_SECONDS old;
otherwise the old stretch ends at its last heartbeat and a new one starts. Only the
server's clock counts (the heartbeat times), never a duration claimed by the page.
An ended stretch becomes an automatic segment of its duration rounded to the nearest
minute (30 s and more round up); a stretch under 30 s leaves no segment. A stretch
is cut at 24 hours, the longest one segment may be.

Manual add / correct / delete each write one TicketEvent (TIME_ADDED, TIME_CHANGED,
TIME_DELETED) in the ticket's change-set style; they mail no one. Automatic segments
write no event: every visit to a ticket page would otherwise fill its timeline.

Apps above (contract points) see every change through timekeeping.hooks: guards may
refuse a manual entry before it is written (an automatic one is then logged as not
billable instead), listeners write their own rows in the same transaction.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ticketdesk.tickets.models import EventAction, Ticket
from ticketdesk.tickets.services.changesets import ChangeSet

from . import errors
from .hooks import SegmentChange, SegmentState, check_segment_change, is_refused, segment_changed
from .models import (
    COMMENT_MAX_LENGTH,
    MAX_SEGMENT_MINUTES,
    TimerStretch,
    TimeSegment,
    TimeSource,
)
from .permissions import can_change_segment, can_log_time

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User

# Manual time further back than this is a typing error (and year 1 would not convert to UTC).
OLDEST_DAYS = 3653
EVENT_FIELD = "time"


def idle_timeout() -> datetime.timedelta:
    return datetime.timedelta(seconds=getattr(settings, "TIMER_IDLE_SECONDS", 120))


def default_billable(ticket: Ticket) -> bool:
    """The ticket's category decides when it says; else TIMEKEEPING_BILLABLE_DEFAULT."""
    category = ticket.category
    if category is not None and category.time_billable is not None:
        return category.time_billable
    return bool(getattr(settings, "TIMEKEEPING_BILLABLE_DEFAULT", True))


def stretch_minutes(seconds: float) -> int:
    """Whole minutes of a stretch: rounded half up, at most one segment's maximum."""
    return min(int((max(seconds, 0) + 30) // 60), MAX_SEGMENT_MINUTES)


# --- the timer -------------------------------------------------------------------------


@dataclass(frozen=True)
class TimerState:
    """What a heartbeat or stop left: the running stretch, and a segment it just wrote."""

    stretch: TimerStretch | None
    ended: TimeSegment | None = None


def _locked_stretch(ticket: Ticket, agent: User) -> TimerStretch | None:
    return TimerStretch.objects.select_for_update().filter(ticket=ticket, agent=agent).first()


def _end_stretch(stretch: TimerStretch, ticket: Ticket) -> TimeSegment | None:
    """Turn the stretch into an automatic segment (none under 30 s) and remove it."""
    minutes = stretch_minutes(stretch.elapsed_seconds())
    stretch.delete()
    if minutes < 1:
        return None
    billable = default_billable(ticket)
    if billable:
        # A refused billable entry (an exhausted contract) is still the agent's time.
        state = SegmentState(stretch.started_at, minutes, billable)
        billable = not is_refused(SegmentChange(ticket, None, None, state, automatic=True))
    segment = TimeSegment.objects.create(
        ticket=ticket,
        agent_id=stretch.agent_id,
        started_at=stretch.started_at,
        minutes=minutes,
        billable=billable,
        source=TimeSource.AUTOMATIC,
    )
    segment_changed(
        SegmentChange(ticket, segment.pk, None, SegmentState.of(segment), automatic=True)
    )
    return segment


def _extend(stretch: TimerStretch, now: datetime.datetime) -> None:
    if now > stretch.last_heartbeat_at:
        stretch.last_heartbeat_at = now
        stretch.save(update_fields=["last_heartbeat_at"])


@transaction.atomic
def record_heartbeat(ticket: Ticket, *, agent: User) -> TimerState:
    """The agent's page of `ticket` is visible now: extend their stretch or start one.

    Side effects: may end a stretch (an automatic segment): an idle one at its last
    heartbeat; one of 24 hours too, the next going on from there without a gap. A new
    stretch asks for an idle check after TIMER_IDLE_SECONDS (tasks.schedule_idle_check).
    """
    if not can_log_time(agent):
        raise PermissionDenied(errors.CANNOT_LOG_TIME)
    now = timezone.now()
    stretch = _locked_stretch(ticket, agent)
    ended = None
    start = now
    if stretch is not None:
        if now - stretch.last_heartbeat_at > idle_timeout():
            ended = _end_stretch(stretch, ticket)
        elif now - stretch.started_at >= datetime.timedelta(minutes=MAX_SEGMENT_MINUTES):
            ended = _end_stretch(stretch, ticket)
            start = stretch.last_heartbeat_at
        else:
            _extend(stretch, now)
            return TimerState(stretch)
    try:
        with transaction.atomic():
            stretch = TimerStretch.objects.create(
                ticket=ticket, agent=agent, started_at=start, last_heartbeat_at=now
            )
    except IntegrityError:
        # Another tab of the same agent started the stretch a moment ago: extend that one.
        stretch = _locked_stretch(ticket, agent)
        if stretch is None:  # pragma: no cover - ended again between the two statements
            raise
        _extend(stretch, now)
        return TimerState(stretch, ended)
    from .tasks import schedule_idle_check

    transaction.on_commit(lambda: schedule_idle_check(at=now + idle_timeout()))
    return TimerState(stretch, ended)


@transaction.atomic
def stop_timer(ticket: Ticket, *, agent: User) -> TimerState:
    """The agent hid or left the page: end their stretch now (a last heartbeat if in time)."""
    if not can_log_time(agent):
        raise PermissionDenied(errors.CANNOT_LOG_TIME)
    stretch = _locked_stretch(ticket, agent)
    if stretch is None:
        return TimerState(None)
    now = timezone.now()
    if now - stretch.last_heartbeat_at <= idle_timeout():
        _extend(stretch, now)
    return TimerState(None, _end_stretch(stretch, ticket))


def close_idle_stretches(now: datetime.datetime | None = None) -> int:
    """End every stretch not heard from for TIMER_IDLE_SECONDS, at its last heartbeat.

    Each in its own short transaction, re-checked under its row lock (a heartbeat may have
    come meanwhile). Returns how many ended. Called by the periodic idle check; safe to
    call from anywhere, any number of times.
    """
    now = now or timezone.now()
    idle = idle_timeout()
    ended = 0
    for pk in list(TimerStretch.objects.idle(now, idle).values_list("pk", flat=True)):
        with transaction.atomic():
            stretch = TimerStretch.objects.select_for_update().filter(pk=pk).first()
            if stretch is None or now - stretch.last_heartbeat_at <= idle:
                continue
            ticket = Ticket.objects.select_related("category").get(pk=stretch.ticket_id)
            _end_stretch(stretch, ticket)
            ended += 1
    return ended


def running_stretches(
    ticket: Ticket, *, now: datetime.datetime | None = None
) -> list[TimerStretch]:
    """The timers running on the ticket now (idle ones are never shown as running)."""
    now = now or timezone.now()
    return list(
        TimerStretch.objects.filter(ticket=ticket)
        .fresh(now, idle_timeout())
        .select_related("agent")
        .order_by("started_at", "pk")
    )


# --- manual segments -------------------------------------------------------------------


def check_segment_values(*, date: datetime.date, minutes: int, comment: str) -> None:
    """The rules every segment keeps, whoever writes it (form, API); all errors at once."""
    problems: dict[str, ValidationError] = {}
    if minutes < 1:
        problems["minutes"] = ValidationError(errors.MINUTES_NOT_POSITIVE, code="min")
    elif minutes > MAX_SEGMENT_MINUTES:
        problems["minutes"] = ValidationError(errors.MINUTES_TOO_MANY, code="max")
    today = timezone.localdate()
    if date > today:
        problems["date"] = ValidationError(errors.DATE_IN_FUTURE, code="future")
    elif date < today - datetime.timedelta(days=OLDEST_DAYS):
        problems["date"] = ValidationError(errors.DATE_TOO_OLD, code="too_old")
    if len(comment) > COMMENT_MAX_LENGTH:
        problems["comment"] = ValidationError(
            errors.COMMENT_TOO_LONG,
            code="max_length",
            params={"limit": COMMENT_MAX_LENGTH, "length": len(comment)},
        )
    if problems:
        raise ValidationError(problems)


def _start_of(date: datetime.date, *, keep: datetime.datetime | None = None) -> datetime.datetime:
    """`date` at the local time of day of `keep` (midnight without), never in the future."""
    local_time = timezone.localtime(keep).time() if keep else datetime.time.min
    moment = timezone.make_aware(datetime.datetime.combine(date, local_time))
    return min(moment, timezone.now())


def event_key(segment: TimeSegment) -> str:
    """How an event names a segment: "<minutes>;<1|0 billable>;<YYYY-MM-DD>"."""
    return f"{segment.minutes};{int(segment.billable)};{segment.date.isoformat()}"


def _record(
    segment: TimeSegment,
    action: str,
    *,
    by: User,
    old: tuple[str, str] | None = None,
    new: tuple[str, str] | None = None,
) -> None:
    """One TicketEvent for the change; `old`/`new` are (key, comment) pairs."""
    changeset = ChangeSet(ticket=segment.ticket, by=by)
    event = changeset.record(action, field=EVENT_FIELD)
    for prefix, value in (("old", old), ("new", new)):
        if value is not None:
            setattr(event, f"{prefix}_key", value[0][:50])
            setattr(event, f"{prefix}_value", value[1][:250])
    # No ticket field changes: the ticket's version stays, open forms on its page stay valid.
    changeset.save(update_fields=[])


def _snapshot(segment: TimeSegment) -> tuple[str, str]:
    return event_key(segment), segment.comment


@transaction.atomic
def add_segment(
    ticket: Ticket,
    *,
    by: User,
    date: datetime.date,
    minutes: int,
    comment: str = "",
    billable: bool | None = None,
) -> TimeSegment:
    """Log `minutes` of the acting agent's work on `date` (TIME_ADDED event, no mail).

    `billable` None takes the default (default_billable).
    """
    if not can_log_time(by):
        raise PermissionDenied(errors.CANNOT_LOG_TIME)
    comment = comment.strip()
    check_segment_values(date=date, minutes=minutes, comment=comment)
    started_at = _start_of(date)
    billable = default_billable(ticket) if billable is None else billable
    state = SegmentState(started_at, minutes, billable)
    check_segment_change(SegmentChange(ticket, None, None, state, by=by))
    segment = TimeSegment.objects.create(
        ticket=ticket,
        agent=by,
        started_at=started_at,
        minutes=minutes,
        comment=comment,
        billable=billable,
        source=TimeSource.MANUAL,
    )
    _record(segment, EventAction.TIME_ADDED, by=by, new=_snapshot(segment))
    segment_changed(SegmentChange(ticket, segment.pk, None, state, by=by))
    return segment


def _locked_segment(segment: TimeSegment, *, by: User, expected_version: int | None) -> TimeSegment:
    if not can_change_segment(by, segment):
        raise PermissionDenied(errors.NOT_YOUR_SEGMENT)
    locked = (
        TimeSegment.objects.select_for_update()
        .filter(pk=segment.pk, ticket_id=segment.ticket_id)
        .first()
    )
    if locked is None:
        raise ValidationError(errors.SEGMENT_GONE, code="gone")
    if expected_version is not None and locked.version != expected_version:
        raise ValidationError(errors.STALE_SEGMENT, code="stale")
    locked.ticket = segment.ticket
    return locked


@transaction.atomic
def change_segment(
    segment: TimeSegment,
    *,
    by: User,
    date: datetime.date,
    minutes: int,
    comment: str,
    billable: bool,
    expected_version: int | None = None,
) -> TimeSegment:
    """Correct a segment (its agent or an administrator); TIME_CHANGED event when it changed.

    A refused `expected_version` (the form showed an older state) changes nothing. A new
    date keeps the segment's local time of day.
    """
    locked = _locked_segment(segment, by=by, expected_version=expected_version)
    comment = comment.strip()
    check_segment_values(date=date, minutes=minutes, comment=comment)
    before = _snapshot(locked)
    started_at = (
        locked.started_at if date == locked.date else _start_of(date, keep=locked.started_at)
    )
    if (started_at, minutes, comment, billable) == (
        locked.started_at,
        locked.minutes,
        locked.comment,
        locked.billable,
    ):
        return locked
    old_state = SegmentState.of(locked)
    new_state = SegmentState(started_at, minutes, billable)
    change = SegmentChange(locked.ticket, locked.pk, old_state, new_state, by=by)
    check_segment_change(change)
    locked.started_at, locked.minutes, locked.comment, locked.billable = (
        started_at,
        minutes,
        comment,
        billable,
    )
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save(
        update_fields=["started_at", "minutes", "comment", "billable", "version", "updated_at"]
    )
    _record(locked, EventAction.TIME_CHANGED, by=by, old=before, new=_snapshot(locked))
    segment_changed(change)
    return locked


@transaction.atomic
def delete_segment(segment: TimeSegment, *, by: User, expected_version: int | None = None) -> None:
    """Delete a segment (its agent or an administrator); TIME_DELETED event keeps what it was."""
    locked = _locked_segment(segment, by=by, expected_version=expected_version)
    before = _snapshot(locked)
    change = SegmentChange(locked.ticket, locked.pk, SegmentState.of(locked), None, by=by)
    locked.delete()
    _record(locked, EventAction.TIME_DELETED, by=by, old=before)
    segment_changed(change)
