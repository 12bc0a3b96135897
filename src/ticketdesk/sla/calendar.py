"""Business-time arithmetic on a weekly schedule, public holidays and closed days (pure).

A `BusinessCalendar` is built from plain values and never touches the database, so the
SLA code, the data generator and the tests use it alike. Opening intervals are wall-clock
times in the calendar's time zone, and business time is the real time during which the wall
clock shows a time inside an interval on a day that is not closed. So an interval
01:00-04:00 in Europe/Berlin lasts 2 hours on the spring-forward day (02:00-03:00 never
shows) and 4 hours on the autumn day (02:00-03:00 shows twice).

Every year in use is laid out once per calendar: each day's opening spans as exact epoch
microseconds, with running totals. Adding business time then bisects the running totals
instead of walking days, so a target weeks or years away costs the same few microseconds.
"""

from __future__ import annotations

import functools
import math
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

from . import regions

MINUTES_PER_DAY = 24 * 60
ONE_DAY = timedelta(days=1)
ZERO = timedelta(0)
MINUTE = timedelta(minutes=1)
MICROSECOND = timedelta(microseconds=1)
US_PER_MINUTE = 60_000_000
US_PER_DAY = 24 * 60 * US_PER_MINUTE
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_ORDINAL = EPOCH.toordinal()
WEEKDAYS = range(7)  # 0 = Monday … 6 = Sunday, as date.weekday()

# (start, end) in minutes after local midnight, half-open [start, end); end 1440 = midnight.
Interval = tuple[int, int]

# The instance default, also seeded by the migration: Monday to Friday 08:00-17:00, Germany.
DEFAULT_WEEKLY: Mapping[int, tuple[Interval, ...]] = MappingProxyType(
    dict.fromkeys(range(5), ((8 * 60, 17 * 60),))
)
DEFAULT_HOLIDAY_COUNTRY = "DE"


class NoOpeningHoursError(ValueError):
    """The calendar has no opening interval in its week, so no business time ever passes."""


@dataclass(frozen=True)
class DayHours:
    """One day of the calendar as people read it: opening intervals and why it is closed."""

    day: date
    intervals: tuple[tuple[datetime, datetime], ...]  # aware, in the calendar's time zone
    closed_because: str  # the holiday's or closed day's name; "" on an ordinary day


def format_minute(minute: int) -> str:
    """08:00 for 480; the end of the day is 24:00."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def format_intervals(intervals: Iterable[Interval]) -> str:
    """08:00-12:00, 13:00-17:00 (the form's own notation)."""
    return ", ".join(f"{format_minute(start)}-{format_minute(end)}" for start, end in intervals)


@functools.lru_cache(maxsize=1024)
def public_holidays(
    country: str, subdivision: str, year: int, language: str | None = None
) -> Mapping[date, str]:
    """{date: name} of one year's public holidays; building them is slow, so it is cached."""
    if not country:
        return MappingProxyType({})
    found = holidays.country_holidays(
        country, subdiv=subdivision or None, years=year, language=language
    )
    return MappingProxyType(dict(found))


@functools.lru_cache(maxsize=256)
def _holiday_language(country: str, language: str) -> str | None:
    """The holidays package's name for a UI language ("en" → "en_US"), None for its default."""
    supported = holidays.country_holidays(country).supported_languages
    wanted = language.replace("-", "_").lower()
    for candidate in supported:
        if candidate.lower() == wanted:
            return candidate
    for candidate in supported:
        if candidate.lower().split("_")[0] == wanted.split("_")[0]:
            return candidate
    return None


def _epoch_us(moment: datetime) -> int:
    """Microseconds since the Unix epoch: exact integers keep the arithmetic free of drift."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"an aware datetime is needed, not the naive {moment!r}")
    return (moment - EPOCH) // MICROSECOND


def _normalized(weekday: int, intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """Sorted, checked intervals of one day; touching ones merged (12:00-13:00, 13:00-14:00)."""
    merged: list[Interval] = []
    for start, end in sorted((int(start), int(end)) for start, end in intervals):
        if not 0 <= start < end <= MINUTES_PER_DAY:
            raise ValueError(f"weekday {weekday}: bad interval {start}-{end}")
        if merged and start < merged[-1][1]:
            raise ValueError(f"weekday {weekday}: intervals overlap at {start}")
        if merged and start == merged[-1][1]:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return tuple(merged)


@dataclass(frozen=True, slots=True)
class _Year:
    """One calendar year laid out for arithmetic: per day of the year its opening spans."""

    year: int
    first_ordinal: int  # date(year, 1, 1).toordinal()
    # Per day (index = day of the year - 1): ((opens, closes), ...) in epoch microseconds;
    # empty on closed days.
    spans: tuple[tuple[tuple[int, int], ...], ...]
    # cumulative[i]: business microseconds of the days before day index i (len = days + 1).
    cumulative: tuple[int, ...]

    @property
    def total(self) -> int:
        return self.cumulative[-1]


class BusinessCalendar:
    """Opening hours of one instance; immutable, safe to share between threads.

    `weekly` maps a weekday (0 = Monday) to its intervals in minutes after local midnight,
    e.g. {0: [(480, 720), (780, 1020)]} for Monday 08:00-12:00 and 13:00-17:00; missing
    weekdays are closed. Public holidays come from the `holidays` package for
    `holiday_country` (ISO code; "" = none) and `holiday_subdivision`; `closed_days` adds
    the instance's own closed dates ({date: name} or just dates).

    Raises ValueError for a weekday outside 0..6, an interval outside 00:00-24:00, one that
    ends before it starts, overlapping intervals, or a country or subdivision the `holidays`
    package does not know. An empty week is allowed: `is_open` is then always False and
    `business_minutes_between` 0, while `add_business_minutes` and `next_opening` raise
    NoOpeningHoursError (a ValueError) instead of searching forever.

    Each year in use is laid out once (its holidays looked up, its days' opening spans
    converted to UTC, running totals summed; a few milliseconds); after that a call costs a
    few microseconds however far its target lies, by bisecting the running totals.
    """

    __slots__ = (
        "_closed_days",
        "_country",
        "_has_hours",
        "_minutes",
        "_subdivision",
        "_tz",
        "_years",
    )

    def __init__(
        self,
        weekly: Mapping[int, Iterable[Interval]],
        *,
        tz: tzinfo | str,
        holiday_country: str = "",
        holiday_subdivision: str = "",
        closed_days: Mapping[date, str] | Iterable[date] = (),
    ) -> None:
        if unknown := set(weekly) - set(WEEKDAYS):
            raise ValueError(f"weekdays are 0 (Monday) to 6 (Sunday), not {sorted(unknown)}")
        self._tz: tzinfo = ZoneInfo(tz) if isinstance(tz, str) else tz
        self._minutes = tuple(_normalized(day, weekly.get(day, ())) for day in WEEKDAYS)
        self._has_hours = any(self._minutes)
        if holiday_country and holiday_country not in regions.countries():
            raise ValueError(f"no public holidays known for country {holiday_country!r}")
        if holiday_subdivision and holiday_subdivision not in regions.subdivisions(holiday_country):
            raise ValueError(f"{holiday_country!r} has no subdivision {holiday_subdivision!r}")
        self._country = holiday_country
        self._subdivision = holiday_subdivision
        names = closed_days if isinstance(closed_days, Mapping) else dict.fromkeys(closed_days, "")
        self._closed_days: Mapping[date, str] = MappingProxyType(dict(names))
        self._years: dict[int, _Year] = {}

    def __repr__(self) -> str:
        week = {day: format_intervals(self._minutes[day]) for day in WEEKDAYS if self._minutes[day]}
        return f"<BusinessCalendar {week} {self._tz} holidays={self._country or '-'}>"

    # -- what it was built from ------------------------------------------------------------

    @property
    def tz(self) -> tzinfo:
        return self._tz

    @property
    def weekly(self) -> tuple[tuple[Interval, ...], ...]:
        """Seven tuples (Monday first) of merged intervals in minutes."""
        return self._minutes

    @property
    def holiday_country(self) -> str:
        return self._country

    @property
    def holiday_subdivision(self) -> str:
        return self._subdivision

    @property
    def closed_days(self) -> Mapping[date, str]:
        return self._closed_days

    @property
    def has_opening_hours(self) -> bool:
        return self._has_hours

    @property
    def minutes_per_week(self) -> int:
        """Nominal business minutes of an ordinary week (no holidays, no DST change)."""
        return sum(end - start for day in self._minutes for start, end in day)

    # -- the arithmetic --------------------------------------------------------------------

    def add_business_minutes(self, start: datetime, minutes: float) -> datetime:
        """The moment at which `minutes` of business time have passed after `start`.

        Counting starts at `start` when open, else at the next opening; 0 minutes therefore
        gives `next_opening(start)` (`start` itself while open). A target that ends exactly
        at a closing time gives that closing time, not the next opening.

        The result is in UTC, as Django hands out datetimes (PEP 495 makes a local time in
        the repeated autumn hour unequal to every moment in another zone; UTC sidesteps
        that). Raises ValueError for negative, infinite or NaN minutes or a naive `start`,
        NoOpeningHoursError for a week without opening hours.
        """
        if not math.isfinite(minutes) or minutes < 0:
            raise ValueError(f"minutes must be a finite number >= 0, not {minutes!r}")
        if not self._has_hours:
            raise NoOpeningHoursError("the calendar has no opening hours in its week")
        moment = _epoch_us(start)
        remaining = round(minutes * US_PER_MINUTE)
        year, index = self._locate(start)
        for opens, closes in year.spans[index]:
            if closes <= moment:
                continue
            opens = max(opens, moment)
            if remaining <= closes - opens:
                return self._utc(opens + remaining)
            remaining -= closes - opens
        index += 1
        # From here on whole days count; at least 1 µs is sought so that 0 minutes lands on
        # the first day that opens at all.
        while True:
            if index >= len(year.spans):
                year, index = self._year(year.year + 1), 0
            passed = year.cumulative[index]
            wanted = passed + max(remaining, 1)
            if wanted > year.total:
                remaining -= year.total - passed
                index = len(year.spans)
                continue
            index = bisect_left(year.cumulative, wanted, lo=index + 1) - 1
            remaining -= year.cumulative[index] - passed
            for opens, closes in year.spans[index]:
                if remaining <= closes - opens:
                    return self._utc(opens + remaining)
                remaining -= closes - opens
            raise AssertionError("running totals and spans disagree")  # pragma: no cover

    def business_minutes_between(self, start: datetime, end: datetime) -> float:
        """Business minutes from `start` to `end` (aware moments); 0.0 when end <= start."""
        begin, finish = _epoch_us(start), _epoch_us(end)
        if finish <= begin:
            return 0.0
        year, index = self._locate(start)
        last_year, last_index = self._locate(end)
        total = _overlap(year.spans[index], begin, finish)
        if (year.year, index) == (last_year.year, last_index):
            return total / US_PER_MINUTE
        total += _overlap(last_year.spans[last_index], begin, finish)
        # The whole days between, summed from the running totals one year at a time.
        while year.year < last_year.year:
            total += year.total - year.cumulative[index + 1]
            year, index = self._year(year.year + 1), -1
        total += last_year.cumulative[last_index] - last_year.cumulative[index + 1]
        return total / US_PER_MINUTE

    def is_open(self, moment: datetime) -> bool:
        """True while `moment` lies inside an opening interval (opening included, closing not)."""
        instant = _epoch_us(moment)
        year, index = self._locate(moment)
        return any(opens <= instant < closes for opens, closes in year.spans[index])

    def next_opening(self, moment: datetime) -> datetime:
        """The earliest moment >= `moment` at which the calendar is open (`moment` if open).

        In UTC; NoOpeningHoursError for an empty week.
        """
        return self.add_business_minutes(moment, 0)

    # -- for people ------------------------------------------------------------------------

    def closure_name(self, day: date, *, language: str | None = None) -> str | None:
        """Why `day` is closed as a whole: the closed day's or public holiday's name, else None.

        `language` is a UI language code ("de", "en"); holiday names fall back to the
        country's own language when the package has no translation.
        """
        if day in self._closed_days:
            return self._closed_days[day]
        if not self._country:
            return None
        wanted = _holiday_language(self._country, language) if language else None
        return public_holidays(self._country, self._subdivision, day.year, wanted).get(day)

    def public_holidays_between(
        self, first: date, last: date, *, language: str | None = None
    ) -> list[tuple[date, str]]:
        """[(date, name), ...] of the public holidays from `first` to `last` inclusive."""
        if not self._country:
            return []
        wanted = _holiday_language(self._country, language) if language else None
        found = []
        for year in range(first.year, last.year + 1):
            names = public_holidays(self._country, self._subdivision, year, wanted)
            found += [(day, name) for day, name in names.items() if first <= day <= last]
        return sorted(found)

    def days(self, first: date, count: int, *, language: str | None = None) -> list[DayHours]:
        """`count` days from `first` with their opening intervals, for previews."""
        result = []
        for offset in range(count):
            day = first + offset * ONE_DAY
            year = self._year(day.year)
            spans = year.spans[day.toordinal() - year.first_ordinal]
            intervals = tuple(
                (self._moment(opens), self._moment(closes)) for opens, closes in spans
            )
            reason = self.closure_name(day, language=language) or ""
            result.append(DayHours(day=day, intervals=intervals, closed_because=reason))
        return result

    # -- internals -------------------------------------------------------------------------

    def _utc(self, epoch_us: int) -> datetime:
        return EPOCH + epoch_us * MICROSECOND

    def _moment(self, epoch_us: int) -> datetime:
        return (EPOCH + epoch_us * MICROSECOND).astimezone(self._tz)

    def _locate(self, moment: datetime) -> tuple[_Year, int]:
        """The year table and day index of `moment`'s local date."""
        local = moment.astimezone(self._tz)
        year = self._year(local.year)
        return year, local.toordinal() - year.first_ordinal

    def _year(self, number: int) -> _Year:
        year = self._years.get(number)
        if year is None:
            year = self._years[number] = self._lay_out(number)
        return year

    def _lay_out(self, number: int) -> _Year:
        closed = {day for day in self._closed_days if day.year == number}
        if self._country:
            closed.update(public_holidays(self._country, self._subdivision, number))
        first = date(number, 1, 1)
        days = [
            first + offset * ONE_DAY for offset in range((date(number, 12, 31) - first).days + 1)
        ]
        spans = []
        cumulative = [0]
        midnight = self._local_us(first, 0)
        # A day's spans lie between its two midnights (fold=0). Only in zones whose clocks fall
        # back across midnight does that leave an hour out: it counts as closed.
        for day in days:
            next_midnight = self._local_us(day, MINUTES_PER_DAY)
            intervals = self._minutes[day.weekday()]
            if not intervals or day in closed:
                day_spans: tuple[tuple[int, int], ...] = ()
            elif next_midnight - midnight == US_PER_DAY:
                day_spans = tuple(
                    (midnight + start * US_PER_MINUTE, midnight + end * US_PER_MINUTE)
                    for start, end in intervals
                )
            else:
                day_spans = self._spans_across_change(day, intervals, midnight, next_midnight)
            spans.append(day_spans)
            cumulative.append(cumulative[-1] + sum(closes - opens for opens, closes in day_spans))
            midnight = next_midnight
        return _Year(number, first.toordinal(), tuple(spans), tuple(cumulative))

    def _spans_across_change(
        self, day: date, intervals: tuple[Interval, ...], begin: int, end: int
    ) -> tuple[tuple[int, int], ...]:
        """Spans of a day [begin, end) during which the UTC offset changes once.

        Before the change the wall clock shows t + offset_before, after it t + offset_after;
        each interval's wall times are mapped through both, so a wall time the spring change
        skips opens at the change, and the autumn day's repeated hour counts twice.
        """
        before, after = self._offset_us(begin), self._offset_us(end - 1)
        low, high = begin, end - 1  # the first microsecond with the new offset lies in (low, high]
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if self._offset_us(middle) == before else (low, middle)
        wall_midnight = (day.toordinal() - EPOCH_ORDINAL) * US_PER_DAY
        found = []
        for start, stop in intervals:
            wall_from = wall_midnight + start * US_PER_MINUTE
            wall_to = wall_midnight + stop * US_PER_MINUTE
            for lo, hi, offset in ((begin, high, before), (high, end, after)):
                opens, closes = max(lo, wall_from - offset), min(hi, wall_to - offset)
                if opens < closes:
                    found.append((opens, closes))
        merged: list[tuple[int, int]] = []
        for opens, closes in sorted(found):
            if merged and opens <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(closes, merged[-1][1]))
            else:
                merged.append((opens, closes))
        return tuple(merged)

    def _offset_us(self, epoch_us: int) -> int:
        offset = (EPOCH + epoch_us * MICROSECOND).astimezone(self._tz).utcoffset()
        return offset // MICROSECOND if offset is not None else 0

    def _local_us(self, day: date, minute: int) -> int:
        """The epoch microsecond of wall time `minute` (0-1440) on `day` (PEP 495, fold=0)."""
        if minute == MINUTES_PER_DAY:
            day, minute = day + ONE_DAY, 0
        local = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=self._tz)
        return _epoch_us(local)


def _overlap(spans: tuple[tuple[int, int], ...], begin: int, finish: int) -> int:
    return sum(max(0, min(closes, finish) - max(opens, begin)) for opens, closes in spans)
