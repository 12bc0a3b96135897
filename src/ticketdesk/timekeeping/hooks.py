"""What apps above time keeping hook into segment changes (contract points), registered in
their AppConfig.ready, so time keeping never imports them.

A guard sees a change before it is written and may refuse it with a ValidationError (its
message reaches the agent's form); a listener sees it after it is written, in the same
transaction, and may write rows of its own (a rollback takes them back with the segment).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User
    from ticketdesk.tickets.models import Ticket

    from .models import TimeSegment


@dataclass(frozen=True)
class SegmentState:
    """What of a segment counts for others: when, how long, billable."""

    started_at: datetime.datetime
    minutes: int
    billable: bool

    @classmethod
    def of(cls, segment: TimeSegment) -> SegmentState:
        return cls(segment.started_at, segment.minutes, segment.billable)


@dataclass(frozen=True)
class SegmentChange:
    """A segment added (`before` None), corrected, or deleted (`after` None).

    `segment_id` is None while a new segment is only checked; `by` is None for the timer.
    """

    ticket: Ticket
    segment_id: int | None
    before: SegmentState | None
    after: SegmentState | None
    by: User | None = None
    automatic: bool = False


Guard = Callable[[SegmentChange], None]
Listener = Callable[[SegmentChange], None]

_GUARDS: list[Guard] = []
_LISTENERS: list[Listener] = []


def register_segment_guard(guard: Guard) -> None:
    if guard not in _GUARDS:
        _GUARDS.append(guard)


def register_segment_listener(listener: Listener) -> None:
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def check_segment_change(change: SegmentChange) -> None:
    """Ask every guard; the first refusal (ValidationError) propagates."""
    for guard in _GUARDS:
        guard(change)


def is_refused(change: SegmentChange) -> bool:
    try:
        check_segment_change(change)
    except ValidationError:
        return True
    return False


def segment_changed(change: SegmentChange) -> None:
    for listener in _LISTENERS:
        listener(change)
