"""The ticket list as CSV rows (streamed; spreadsheet-safe)."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ticketdesk.tickets.listing import COLUMNS, url_for_each

if TYPE_CHECKING:
    from django.db.models import Expression, QuerySet

    from ticketdesk.tickets.models.ticket import TicketQuerySet

# Plain values instead of model instances: exporting a million rows stays a matter of minutes.
FIELDS = (
    "number",
    "subject",
    "customer__name",
    "status__name_de",
    "status__name_en",
    "priority__name_de",
    "priority__name_en",
    "category__name_de",
    "category__name_en",
    "team__name",
    "assignee__full_name",
    "assignee__email",
    "opened_at",
    "target_first_response_at",
    "target_resolution_at",
)
HEADERS = [
    *(label for key, label in COLUMNS.items() if key != "target"),
    gettext_lazy("First response due"),
    gettext_lazy("Resolution due"),
]


@dataclass(frozen=True)
class ExportColumn:
    """A column another app adds to the export (time spent, points), without tickets
    importing it: `value()` builds a per-ticket expression, `text` formats the value."""

    header: str | Promise
    value: Callable[[], Expression]
    text: Callable[[Any], str] = lambda value: "" if value is None else str(value)


_EXTRA: list[ExportColumn] = []


def register_export_column(column: ExportColumn) -> None:
    if column not in _EXTRA:
        _EXTRA.append(column)


# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Line:
    """A file-like object whose write() hands back the line, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def export_values(tickets: TicketQuerySet) -> QuerySet[Any]:
    extra = {f"extra_{index}": column.value() for index, column in enumerate(_EXTRA)}
    return tickets.annotate(**extra).values_list(*FIELDS, *extra)


def ticket_url_maker(absolute_url: Callable[[str], str]) -> Callable[[int], str]:
    """Absolute ticket-page URLs by number, resolving the URL pattern once, not per row."""
    origin = absolute_url("/").removesuffix("/")
    path = url_for_each("tickets:detail")
    return lambda number: f"{origin}{path(number)}"


def csv_lines(
    rows: Iterable[tuple[Any, ...]], *, ticket_url: Callable[[int], str]
) -> Iterator[str]:
    """A header with the list's column names and URL, then one line per ticket.

    `rows` come from `export_values`. Starts with a byte-order mark so spreadsheet
    programs read umlauts as UTF-8. The lines are produced after the view has
    returned, so the request's language is carried into the generator explicitly.
    """
    return _lines(rows, ticket_url, translation.get_language())


def _lines(
    rows: Iterable[tuple[Any, ...]], ticket_url: Callable[[int], str], language: str | None
) -> Iterator[str]:
    writer = csv.writer(_Line())
    english = (language or settings.LANGUAGE_CODE)[:2] == "en"
    with translation.override(language):
        headers = [*HEADERS, *(column.header for column in _EXTRA), _("URL")]
        yield "\ufeff" + writer.writerow([str(header) for header in headers])
        for row in rows:
            yield writer.writerow(_cells(row, english, ticket_url))


def _cells(row: tuple[Any, ...], english: bool, ticket_url: Callable[[int], str]) -> list[str]:
    (number, subject, customer, status_de, status_en, priority_de, priority_en) = row[:7]
    category_de, category_en, team, full_name, email, opened, first_due, due = row[7:15]
    values = [
        f"{settings.TICKET_NUMBER_PREFIX}{number}",
        subject,
        customer,
        status_en if english else status_de,
        priority_en if english else priority_de,
        (category_en if english else category_de) or "",
        team or "",
        full_name or email or "",
        _when(opened),
        _when(first_due),
        _when(due),
        *(column.text(value) for column, value in zip(_EXTRA, row[15:], strict=True)),
    ]
    return [*map(_safe, values), ticket_url(number)]


def _safe(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _when(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""
