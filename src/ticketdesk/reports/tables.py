"""A report section's result: one table (rows grouped by dimension) and the chart drawn from it.

Plain data, no model instances: the same object becomes the HTML table, the CSV file,
the JSON answer and the command's output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Column kinds: how a value is shown (all are plain numbers in CSV and JSON).
COUNT, MINUTES, PERCENT = "count", "minutes", "percent"

DIMENSIONS: dict[str, Promise] = {
    "total": _("Total"),
    "team": _("Team"),
    "agent": _("Agent"),
    "category": _("Category"),
    "customer": _("Customer"),
    "priority": _("Priority"),
    "period": _("Period"),
    "ticket": _("Ticket"),
}
NO_TEAM = _("No team")
NO_AGENT = _("Unassigned")
NO_CATEGORY = _("No category")
OTHER_CUSTOMERS = _("Other customers")


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise | str
    kind: str = COUNT


@dataclass
class Row:
    dimension: str  # a key of DIMENSIONS
    name: str
    values: dict[str, float | int | None]
    key: int | str | None = None  # the entry's id (period: "2025-03"); None for "none"

    def cells(self, columns: list[Column]) -> list[float | int | None]:
        return [self.values.get(column.key) for column in columns]


@dataclass(frozen=True)
class Dataset:
    label: Promise | str
    column: str  # the column whose values it draws
    dimension: str  # from the rows of this dimension
    kind: str = COUNT
    stack: str = ""


@dataclass(frozen=True)
class Chart:
    type: str  # "bar" or "line"
    datasets: list[Dataset]
    dimension: str  # the rows whose names label the x axis
    scale: Promise | str = ""  # the y axis' title


@dataclass
class Report:
    section: str
    title: Promise | str
    description: Promise | str
    columns: list[Column]
    rows: list[Row]
    chart: Chart
    notes: list[Promise | str] = field(default_factory=list)

    def groups(self) -> list[tuple[str, Promise, list[Row]]]:
        """Rows by dimension, in the order they come: (dimension, its name, its rows)."""
        grouped: dict[str, list[Row]] = {}
        for row in self.rows:
            grouped.setdefault(row.dimension, []).append(row)
        return [(key, DIMENSIONS[key], rows) for key, rows in grouped.items()]

    def display_groups(self) -> list[dict[str, Any]]:
        """The table as the template shows it: per dimension its label and rows of cells."""
        return [
            {
                "dimension": dimension,
                "label": label,
                "rows": [
                    {
                        "name": row.name,
                        "cells": [
                            (value, column.kind)
                            for value, column in zip(
                                row.cells(self.columns), self.columns, strict=True
                            )
                        ],
                    }
                    for row in rows
                ],
            }
            for dimension, label, rows in self.groups()
        ]

    def chart_data(self) -> dict[str, Any]:
        """The chart as Chart.js reads it: labels and datasets (minutes shown as hours)."""
        rows = [row for row in self.rows if row.dimension == self.chart.dimension]
        datasets = []
        for dataset in self.chart.datasets:
            data = [_chart_value(row.values.get(dataset.column), dataset.kind) for row in rows]
            entry: dict[str, Any] = {"label": str(dataset.label), "data": data}
            if dataset.stack:
                entry["stack"] = dataset.stack
            datasets.append(entry)
        return {
            "type": self.chart.type,
            "labels": [row.name for row in rows],
            "datasets": datasets,
            "scale": str(self.chart.scale),
        }


def _chart_value(value: float | int | None, kind: str) -> float | int | None:
    if value is None:
        return None
    if kind == MINUTES:
        return round(value / 60, 2)
    return value


def share(part: int, whole: int) -> float | None:
    """`part` of `whole` in percent, one decimal; None when there is nothing to share."""
    return round(100 * part / whole, 1) if whole else None


def minutes(value: float | None) -> float | None:
    """Durations are reported in whole minutes (means and percentiles are interpolated)."""
    return round(value) if value is not None else None
