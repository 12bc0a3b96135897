"""Count, mean, median and 90th percentile of duration columns, per group, in the database.

PostgreSQL computes percentiles itself (`percentile_cont ... WITHIN GROUP`): one
GROUP BY query per grouping level. SQLite has no percentile function: one query per
column counts the rows per value and per combination of the grouping columns, and
Python reads each group's order statistics off those counts, interpolating between the
two neighbours exactly as percentile_cont does. Minutes are integers with few distinct
values (tens of thousands for half a million tickets), so the counts are far fewer
rows than the tickets. Either way the number of queries is fixed and no ticket row is
loaded for itself.

Why counts rather than ranking the rows (ROW_NUMBER per group): SQLite has no hash
aggregation, so every GROUP BY or window over a date range sorts its rows, about half
a second per column for a year of a million tickets. The tickets app indexes each
duration as (team, assignee, minutes, moment) for non-empty values: in that order the
counts come straight from the index without a sort, reading every indexed ticket and
skipping those outside the range: 0.1-0.3 s per column for a million tickets over two
years, whatever the range (the cost grows with the history, not with the range). The
range's comparisons are marked likely: SQLite keeps no statistics of the dates, takes
any date range for a small one, and would read it through the moment's own index and
sort again.
"""

from __future__ import annotations

import bisect
import itertools
import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Aggregate, Avg, BooleanField, Count, F, FloatField, Func, Q, QuerySet

MEDIAN, P90 = 0.5, 0.9
# Grouping levels are column names (e.g. "team_id"); OVERALL is one group of all rows.
OVERALL = None
Groups = dict[Any, dict[str, "Summary"]]


@dataclass(frozen=True)
class Summary:
    """Count and location of a column's non-empty values (minutes)."""

    count: int = 0
    mean: float | None = None
    median: float | None = None
    p90: float | None = None


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile (linear interpolation between neighbours)."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"
    output_field = FloatField()

    def __init__(self, expression: str, fraction: float, **extra: Any) -> None:
        # A constant of ours, never user input: written into the SQL as a number literal.
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


def summarize(
    rows: QuerySet[Any],
    fields: Sequence[str],
    levels: Sequence[str | None],
    *,
    within: Q | None = None,
) -> dict[str | None, Groups]:
    """`result[level][group value][field]`: a Summary per group of each level and field.

    The rows summarized are `rows` matching `within` (the date range; kept apart so that
    SQLite can apply it where it costs no sort). `levels` are the columns to group by
    (OVERALL for all rows together). Queries: PostgreSQL one per level, SQLite one per
    field.
    """
    if connection.vendor == "postgresql":
        if within is not None:
            rows = rows.filter(within)
        return {level: _grouped(rows, fields, level) for level in levels}
    result: dict[str | None, Groups] = {level: {} for level in levels}
    for name in fields:
        for level, groups in _counted(rows, name, levels, within).items():
            for key, summary in groups.items():
                result[level].setdefault(key, {})[name] = summary
    return result


def _grouped(rows: QuerySet[Any], fields: Sequence[str], level: str | None) -> Groups:
    aggregates: dict[str, Any] = {}
    for index, name in enumerate(fields):
        aggregates[f"n{index}"] = Count(name)
        aggregates[f"mean{index}"] = Avg(name)
        aggregates[f"p50_{index}"] = PercentileCont(name, MEDIAN)
        aggregates[f"p90_{index}"] = PercentileCont(name, P90)
    if level is OVERALL:
        found = [{"key": None, **rows.aggregate(**aggregates)}]
    else:
        found = list(rows.values(key=F(level)).annotate(**aggregates).order_by())
    groups: Groups = {}
    for row in found:
        groups[row["key"]] = {
            name: Summary(
                count=row[f"n{index}"],
                mean=row[f"mean{index}"],
                median=row[f"p50_{index}"],
                p90=row[f"p90_{index}"],
            )
            for index, name in enumerate(fields)
            if row[f"n{index}"]
        }
    return groups


def _counted(
    rows: QuerySet[Any], name: str, levels: Sequence[str | None], within: Q | None
) -> dict[str | None, dict[Any, Summary]]:
    """One column's Summary per group of each level, from one query counting each value."""
    columns = [level for level in levels if level is not OVERALL]
    keys = {f"k{index}": F(level) for index, level in enumerate(columns)}
    # Grouped by the levels' columns first, then the value: the index's order.
    counted = rows.filter(**{f"{name}__isnull": False})
    if within is not None:
        counted = counted.filter(_likely(within))
    counted = counted.values(**keys, value=F(name)).annotate(n=Count("*")).order_by()
    sql, params = counted.query.sql_with_params()
    with connection.cursor() as cursor:
        # Integers only: the cursor's rows as they are, without the ORM's per-row conversion.
        cursor.execute(sql, params)
        found = cursor.fetchall()
    width = len(columns)
    result: dict[str | None, dict[Any, Summary]] = {}
    for level in levels:
        groups: dict[Any, list[tuple[Any, ...]]] = {}
        if level is OVERALL:
            groups[None] = found
        else:
            by_key = operator.itemgetter(columns.index(level))
            for key, combination in itertools.groupby(found, by_key):
                groups.setdefault(key, []).extend(combination)
        result[level] = {}
        for key, group in groups.items():
            summary = _summary(group, width)
            if summary.count:
                result[level][key] = summary
    return result


class _Likely(Func):
    """SQLite's `likely(X)`: X holds for most rows (a hint to the planner, X's value is kept)."""

    function = "likely"
    output_field = BooleanField()


def _likely(condition: Q) -> Q:
    """`condition` with each comparison marked likely, so that no range index looks cheap."""
    children = [
        _likely(child) if isinstance(child, Q) else _Likely(Q(child))
        for child in condition.children
    ]
    return Q(*children, _connector=condition.connector, _negated=condition.negated)


def _summary(group: list[tuple[Any, ...]], width: int) -> Summary:
    """Count, mean, median and p90 of rows (group columns..., value, count) of one group."""
    # Sorted runs (one per combination of the finer columns): sorting merges them.
    ordered = sorted(group, key=operator.itemgetter(width))
    values = list(map(operator.itemgetter(width), ordered))
    counts = list(map(operator.itemgetter(width + 1), ordered))
    # below[i]: how many values lie at positions up to i's last; the value at 0-based
    # position p is the first whose `below` exceeds p.
    below = list(itertools.accumulate(counts))
    count = below[-1] if below else 0
    if not count:
        return Summary()
    at = {
        position: values[bisect.bisect_right(below, position)]
        for fraction in (MEDIAN, P90)
        for position in _positions(count, fraction)
    }
    return Summary(
        count=count,
        mean=sum(map(operator.mul, values, counts)) / count,
        median=_interpolate(at, count, MEDIAN),
        p90=_interpolate(at, count, P90),
    )


def _positions(count: int, fraction: float) -> tuple[int, int]:
    """0-based positions of the two values percentile_cont interpolates between."""
    exact = (count - 1) * fraction
    return math.floor(exact), math.ceil(exact)


def _interpolate(at: dict[int, int], count: int, fraction: float) -> float:
    low, high = _positions(count, fraction)
    exact = (count - 1) * fraction
    return at[low] + (exact - low) * (at[high] - at[low])
