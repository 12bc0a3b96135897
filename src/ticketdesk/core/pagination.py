"""Pages that never count rows: fetch one row more than shown to know whether a next page exists.

Fits `components/pagination.html` (has_previous/has_next, number, *_page_number).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from ticketdesk.core.forms import parse_page


@dataclass(frozen=True)
class CountFreePage:
    object_list: list[Any]
    number: int
    has_next: bool

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def page_of(rows: QuerySet[Any], number: str | int | None, *, per_page: int) -> CountFreePage:
    """Page `number` (1-based; anything unparsable or past MAX_PAGE means 1) of a queryset."""
    page = parse_page(number)
    start = (page - 1) * per_page
    fetched = list(rows[start : start + per_page + 1])
    return CountFreePage(
        object_list=fetched[:per_page], number=page, has_next=len(fetched) > per_page
    )
