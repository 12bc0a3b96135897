"""A report as CSV text (spreadsheet-safe, UTF-8 with BOM) and as a JSON-ready dict."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from ticketdesk.tickets.export import FORMULA_STARTS

from .query import ReportQuery
from .tables import DIMENSIONS, Report

BOM = "\ufeff"


def report_csv(report: Report) -> str:
    """Header (dimension, key, name, the columns), then one line per row.

    Starts with a byte-order mark so spreadsheet programs read umlauts as UTF-8, like
    the ticket list's export. Numbers use the language's decimal mark (a German
    spreadsheet reads "93,5"); minutes are whole numbers.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [_("Dimension"), _("Key"), _("Name"), *(str(column.label) for column in report.columns)]
    )
    for row in report.rows:
        writer.writerow(
            [
                str(DIMENSIONS[row.dimension]),
                "" if row.key is None else str(row.key),
                safe_cell(row.name),
                *(number_cell(value) for value in row.cells(report.columns)),
            ]
        )
    return BOM + buffer.getvalue()


def number_cell(value: float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return formats.number_format(value, decimal_pos=1, use_l10n=True)
    return str(int(value))


def safe_cell(value: str) -> str:
    """A cell starting like a formula is quoted, as in the ticket export (CSV injection)."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def report_json(report: Report, query: ReportQuery) -> dict[str, Any]:
    return {
        "section": report.section,
        "title": str(report.title),
        "description": str(report.description),
        "from": query.first.isoformat(),
        "to": query.last.isoformat(),
        "period": query.period,
        "filters": {
            "team": list(query.teams),
            "category": list(query.categories),
            "customer": list(query.customers),
            "agent": list(query.agents),
        },
        "columns": [
            {"key": column.key, "label": str(column.label), "kind": column.kind}
            for column in report.columns
        ],
        "rows": [
            {"dimension": row.dimension, "key": row.key, "name": row.name, "values": row.values}
            for row in report.rows
        ],
        "chart": report.chart_data(),
        "notes": [str(note) for note in report.notes],
    }


def csv_filename(report: Report, query: ReportQuery) -> str:
    return f"report-{report.section}-{query.first:%Y-%m-%d}-{query.last:%Y-%m-%d}.csv"
