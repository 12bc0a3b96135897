"""BusinessCalendar against the definition, minute by minute, on generated weeks and moments.

The definition: business time is the real time during which the wall clock in the calendar's
zone shows a time inside an opening interval on a day that is not closed. The reference
steps one real minute at a time (slow, obviously right); the calendar must agree on
random weeks whose interval ends sit on the half hour, so the DST hours are hit often.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ticketdesk.sla.calendar import BusinessCalendar

BERLIN = ZoneInfo("Europe/Berlin")
MINUTE = timedelta(minutes=1)
CLOSED = {date(2026, 3, 30), date(2026, 10, 26), date(2027, 1, 1)}
# From the Saturday before each DST change of 2026, and before the year end, in UTC.
WINDOWS = [datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 10, 24, tzinfo=UTC)]
WINDOWS.append(datetime(2026, 12, 30, tzinfo=UTC))


@st.composite
def weeks(draw: st.DrawFn) -> dict[int, list[tuple[int, int]]]:
    weekly = {}
    for day in range(7):
        points = sorted(draw(st.sets(st.integers(0, 48), max_size=4)))
        pairs = list(zip(points[::2], points[1::2], strict=False))
        weekly[day] = [(start * 30, end * 30) for start, end in pairs if start < end]
    return weekly


def open_at(weekly: dict[int, list[tuple[int, int]]], moment: datetime) -> bool:
    wall = moment.astimezone(BERLIN)
    minute = wall.hour * 60 + wall.minute
    return wall.date() not in CLOSED and any(s <= minute < e for s, e in weekly[wall.weekday()])


def reference_between(weekly, start: datetime, end: datetime) -> int:
    count, moment = 0, start
    while moment < end:
        count += open_at(weekly, moment)
        moment += MINUTE
    return count


def reference_add(weekly, start: datetime, minutes: int) -> datetime:
    moment, passed = start, 0
    while not (passed == minutes and (minutes or open_at(weekly, moment))):
        passed += open_at(weekly, moment)
        moment += MINUTE
    return moment


moments = st.builds(
    lambda window, minutes: window + minutes * MINUTE,
    st.sampled_from(WINDOWS),
    st.integers(0, 2 * 24 * 60),
)
FAST = settings(
    max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@FAST
@given(weekly=weeks(), start=moments, length=st.integers(0, 2 * 24 * 60))
def test_business_minutes_between_matches_the_definition(weekly, start, length) -> None:
    calendar = BusinessCalendar(weekly, tz=BERLIN, closed_days=CLOSED)
    end = start + length * MINUTE
    assert calendar.business_minutes_between(start, end) == reference_between(weekly, start, end)


@FAST
@given(weekly=weeks(), start=moments, minutes=st.integers(0, 600))
def test_add_business_minutes_matches_the_definition(weekly, start, minutes) -> None:
    calendar = BusinessCalendar(weekly, tz=BERLIN, closed_days=CLOSED)
    assume(calendar.minutes_per_week >= 600)  # else the reference walks for months
    assert calendar.add_business_minutes(start, minutes) == reference_add(weekly, start, minutes)
    assert calendar.is_open(start) == open_at(weekly, start)
