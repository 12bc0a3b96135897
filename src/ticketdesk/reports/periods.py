"""Weeks and months of a report's range, and the database expression that sorts rows into them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Value, When
from django.db.models.expressions import Expression
from django.utils import formats
from django.utils.translation import gettext as _

from .query import WEEK, ReportQuery, start_of


@dataclass(frozen=True)
class Period:
    start: datetime.date  # first day (a Monday, or the 1st of a month)
    key: str  # "2025-W07" or "2025-02": stable in CSV and JSON
    unit: str

    @property
    def label(self) -> str:
        if self.unit == WEEK:
            year, week, _day = self.start.isocalendar()
            return _("Week %(week)d/%(year)d") % {"week": week, "year": year}
        return formats.date_format(self.start, "YEAR_MONTH_FORMAT")


def periods(query: ReportQuery) -> list[Period]:
    """The weeks (Monday to Sunday) or months touching the range, in order."""
    if query.period == WEEK:
        day = query.first - datetime.timedelta(days=query.first.weekday())
    else:
        day = query.first.replace(day=1)
    result = []
    while day <= query.last:
        result.append(Period(day, _key(day, query.period), query.period))
        day = _next(day, query.period)
    return result


def _key(day: datetime.date, unit: str) -> str:
    if unit == WEEK:
        year, week, _day = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day:%Y-%m}"


def _next(day: datetime.date, unit: str) -> datetime.date:
    if unit == WEEK:
        return day + datetime.timedelta(days=7)
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def period_index(column: str, spans: list[Period]) -> Expression:
    """The index into `spans` of the period a row's `column` falls in.

    A nested CASE that halves the periods at each level: log2(n) comparisons per row
    and exact in the instance time zone (period starts are local midnights, DST
    included), with no per-row date function (SQLite's are Python callbacks). Rows
    are expected inside the report's range, so the first and last period take what
    lies before or after them.
    """
    starts = [start_of(span.start) for span in spans]
    return _split(column, starts, 0, len(starts))


def _split(column: str, starts: list[datetime.datetime], low: int, high: int) -> Expression:
    if high - low <= 1:
        return Value(low, output_field=IntegerField())
    middle = (low + high) // 2
    return Case(
        When(**{f"{column}__lt": starts[middle]}, then=_split(column, starts, low, middle)),
        default=_split(column, starts, middle, high),
        output_field=IntegerField(),
    )
