"""The ticket list as CSV rows (streamed; spreadsheet-safe)."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable, Iterable, Iterator

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ticketdesk.tickets.listing import COLUMNS
from ticketdesk.tickets.models import Ticket

# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Line:
    """A file-like object whose write() hands back the line, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def _safe(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _when(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _cells(ticket: Ticket, absolute_url: Callable[[str], str]) -> list[str]:
    values = [
        ticket.reference,
        ticket.subject,
        ticket.customer.name,
        str(ticket.status),
        str(ticket.priority),
        str(ticket.category or ""),
        str(ticket.team or ""),
        str(ticket.assignee or ""),
        _when(ticket.opened_at),
        _when(ticket.target_resolution_at),
    ]
    return [*map(_safe, values), absolute_url(ticket.get_absolute_url())]


def csv_lines(tickets: Iterable[Ticket], *, absolute_url: Callable[[str], str]) -> Iterator[str]:
    """A header with the list's column names and URL, then one line per ticket.

    Starts with a byte-order mark so spreadsheet programs read the umlauts as UTF-8.
    The lines are produced after the view has returned, so the request's language
    is carried into the generator explicitly.
    """
    return _lines(tickets, absolute_url, translation.get_language())


def _lines(
    tickets: Iterable[Ticket], absolute_url: Callable[[str], str], language: str | None
) -> Iterator[str]:
    writer = csv.writer(_Line())
    with translation.override(language):
        yield "\ufeff" + writer.writerow([*map(str, COLUMNS.values()), _("URL")])
        for ticket in tickets:
            yield writer.writerow(_cells(ticket, absolute_url))
