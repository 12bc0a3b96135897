"""Count, mean, median and 90th percentile of duration columns, per group, in the database.

PostgreSQL computes percentiles itself (`percentile_cont ... WITHIN GROUP`): one
GROUP BY query per grouping level. SQLite has no percentile function: one GROUP BY
query counts and sums the values per group, then one query per column ranks the rows
inside each group (ROW_NUMBER over the group, ordered by the value) and returns only
the rows at the percentiles' positions: at most four per group and level, whatever
the number of tickets. Python interpolates between the two neighbours exactly as
percentile_cont does. Either way the number of queries is fixed and no ticket row is
loaded for itself.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Aggregate, Avg, Count, F, FloatField, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber

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
    rows: QuerySet[Any], fields: Sequence[str], levels: Sequence[str | None]
) -> dict[str | None, Groups]:
    """`result[level][group value][field]`: a Summary per group of each level and field.

    `levels` are the columns to group by (OVERALL for all rows together). Queries:
    PostgreSQL one per level; other databases one, plus one per column when there are rows.
    """
    if connection.vendor == "postgresql":
        return {level: _grouped(rows, fields, level) for level in levels}
    return _ranked(rows, fields, levels)


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


def _positions(count: int, fraction: float) -> tuple[int, int]:
    """0-based positions of the two values percentile_cont interpolates between."""
    exact = (count - 1) * fraction
    return math.floor(exact), math.ceil(exact)


def _ranked(rows: QuerySet[Any], fields: Sequence[str], levels: Sequence[str | None]) -> dict:
    """Without percentile_cont: sizes and sums per group, then one ranking query per column.

    The first query counts and sums each column per combination of the grouping
    columns (rolled up here to every level). Knowing each group's size, the ranking
    query asks for exactly the rows at the percentiles' positions: ROW_NUMBER over the
    group ordered by the value, one window per level and nothing else (SQLite's window
    functions cost a pass each).
    """
    sizes = _sizes(rows, fields, levels)
    result: dict[str | None, Groups] = {level: {} for level in levels}
    for index, name in enumerate(fields):
        values = _values_at_positions(
            rows,
            name,
            levels,
            {
                level: {key: group[index][0] for key, group in groups.items()}
                for level, groups in sizes.items()
            },
        )
        for level, groups in sizes.items():
            for key, group in groups.items():
                count, total = group[index]
                if not count:
                    continue
                at = values.get((level, key), {})
                result[level].setdefault(key, {})[name] = Summary(
                    count=count,
                    mean=total / count,
                    median=_interpolate(at, count, MEDIAN),
                    p90=_interpolate(at, count, P90),
                )
    return result


def _sizes(
    rows: QuerySet[Any], fields: Sequence[str], levels: Sequence[str | None]
) -> dict[str | None, dict[Any, list[list[int]]]]:
    """`sizes[level][key][field index]`: [count, sum] of the values, from one GROUP BY."""
    columns = [level for level in levels if level is not OVERALL]
    keys = {f"k{index}": F(level) for index, level in enumerate(columns)}
    sums: dict[str, Any] = {}
    for index, name in enumerate(fields):
        sums[f"n{index}"] = Count(name)
        sums[f"s{index}"] = Sum(name)
    found = rows.values(**keys).annotate(**sums) if keys else [rows.aggregate(**sums)]
    sizes: dict[str | None, dict[Any, list[list[int]]]] = {level: {} for level in levels}
    for combination in found:
        for level in levels:
            key = None if level is OVERALL else combination[f"k{columns.index(level)}"]
            group = sizes[level].setdefault(key, [[0, 0] for _name in fields])
            for index in range(len(fields)):
                group[index][0] += combination[f"n{index}"] or 0
                group[index][1] += combination[f"s{index}"] or 0
    return sizes


def _values_at_positions(
    rows: QuerySet[Any],
    name: str,
    levels: Sequence[str | None],
    counts: dict[str | None, dict[Any, int]],
) -> dict[tuple[str | None, Any], dict[int, float]]:
    """`{(level, key): {position: value}}` for the median's and p90's neighbours."""
    annotations: dict[str, Any] = {"value": F(name)}
    wanted = Q()
    for index, level in enumerate(levels):
        partition = [F(level)] if level is not OVERALL else None
        annotations[f"rank{index}"] = Window(
            RowNumber(), partition_by=partition, order_by=F(name).asc()
        )
        if level is not OVERALL:
            annotations[f"key{index}"] = F(level)
        for key, count in counts[level].items():
            if not count:
                continue
            # ROW_NUMBER counts from 1.
            ranks = {p + 1 for f in (MEDIAN, P90) for p in _positions(count, f)}
            condition = Q(**{f"rank{index}__in": sorted(ranks)})
            if level is not OVERALL:
                group = {f"key{index}__isnull": True} if key is None else {f"key{index}": key}
                condition &= Q(**group)
            wanted |= condition
    if not wanted:
        return {}
    picked = rows.filter(**{f"{name}__isnull": False}).annotate(**annotations).filter(wanted)
    columns = list(annotations)
    values: dict[tuple[str | None, Any], dict[int, float]] = {}
    for row in picked.values_list(*columns):
        record = dict(zip(columns, row, strict=True))
        for index, level in enumerate(levels):
            key = record[f"key{index}"] if level is not OVERALL else None
            values.setdefault((level, key), {})[record[f"rank{index}"] - 1] = record["value"]
    return values


def _interpolate(at: dict[int, float], count: int, fraction: float) -> float | None:
    low, high = _positions(count, fraction)
    if low not in at or high not in at:
        return None
    exact = (count - 1) * fraction
    return at[low] + (exact - low) * (at[high] - at[low])
