"""Backlog trend: tickets opened and closed per week or month and the open tickets at each
period's end.

Open at a moment = tickets opened before it minus tickets closed before it (a closed
ticket was opened before its closing), so two counts before the range and one grouped
count per column inside it give every period's end without reading a ticket twice. The
closing time is the current one: a ticket reopened and still open counts as open since
its opening.
"""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..periods import period_index, periods
from ..query import ReportQuery
from ..tables import Chart, Column, Dataset, Report, Row

TITLE = _("Backlog trend")
DESCRIPTION = _("Tickets opened and closed per period and the open tickets at its end.")


def columns() -> list[Column]:
    return [
        Column("opened", _("Opened")),
        Column("closed", _("Closed")),
        Column("open_at_end", _("Open at the end")),
    ]


def backlog(query: ReportQuery) -> Report:
    """Queries: opened and closed before the range (2), opened and closed per period (2)."""
    spans = periods(query)
    tickets = query.tickets()
    open_before = (
        tickets.filter(opened_at__lt=query.start).count()
        - tickets.filter(closed_at__lt=query.start).count()
    )
    per_period: dict[str, dict[int, int]] = {}
    for name, column in [("opened", "opened_at"), ("closed", "closed_at")]:
        found = (
            tickets.filter(query.during(column))
            .annotate(span=period_index(column, spans))
            .values("span")
            .annotate(n=Count("*"))
        )
        per_period[name] = {row["span"]: row["n"] for row in found}
    rows = []
    backlog_count = open_before
    for index, span in enumerate(spans):
        opened = per_period["opened"].get(index, 0)
        closed = per_period["closed"].get(index, 0)
        backlog_count += opened - closed
        values = {"opened": opened, "closed": closed, "open_at_end": backlog_count}
        rows.append(Row("period", span.label, values, span.key))
    total = {
        "opened": sum(row.values["opened"] or 0 for row in rows),
        "closed": sum(row.values["closed"] or 0 for row in rows),
        "open_at_end": backlog_count,
    }
    rows.append(Row("total", str(_("Whole range")), total))
    return Report(
        section="backlog",
        title=TITLE,
        description=DESCRIPTION,
        columns=columns(),
        rows=rows,
        chart=Chart(
            type="line",
            dimension="period",
            scale=_("Tickets"),
            datasets=[
                Dataset(_("Open at the end"), "open_at_end", "period"),
                Dataset(_("Opened"), "opened", "period"),
                Dataset(_("Closed"), "closed", "period"),
            ],
        ),
        notes=[
            _("Open at the start of the range: %(count)d.") % {"count": open_before},
        ],
    )
