"""Sortable table headers: which column is sorted, and what a click on each header asks for."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class SortColumn:
    key: str
    label: str
    aria_sort: str
    next_sort: str


def sort_columns(labels: Mapping[str, str | Promise], sort: str) -> list[SortColumn]:
    """Headers for `sort` ("key" or "-key"): aria-sort on the sorted one; clicking it reverses."""
    current, descending = sort.removeprefix("-"), sort.startswith("-")
    columns = []
    for key, label in labels.items():
        is_current = key == current
        state = ("descending" if descending else "ascending") if is_current else ""
        next_sort = f"-{key}" if is_current and not descending else key
        columns.append(SortColumn(key, str(label), state, next_sort))
    return columns
