"""SLA compliance: the share of tickets within their first-response and resolution targets,
per priority and per week or month.

A first response counts in the range it was given, a resolution in the range the ticket
was closed; tickets without a target (a priority without one) are not measured. Whether
a target was missed is stored by the services when it happens (`first_response_breached`,
`resolution_breached`), so the report only counts.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from ..periods import period_index, periods
from ..query import ReportQuery
from ..tables import PERCENT, Chart, Column, Dataset, Report, Row, share
from .names import priority_order

TITLE = _("SLA compliance")
DESCRIPTION = _(
    "Share of first responses and resolutions within their target, per priority and over time."
)
TARGETS = [
    ("first_response", "first_response_at", "first_response_breached", _("First response")),
    ("resolution", "closed_at", "resolution_breached", _("Resolution")),
]


def columns() -> list[Column]:
    result = []
    for prefix, _at, _breached, label in TARGETS:
        result += [
            Column(f"{prefix}_measured", f"{label}: {_('measured')}"),
            Column(f"{prefix}_within", f"{label}: {_('within target')}"),
            Column(f"{prefix}_breached", f"{label}: {_('target missed')}"),
            Column(f"{prefix}_share", f"{label}: {_('within target (%)')}", PERCENT),
        ]
    return result


def sla(query: ReportQuery) -> Report:
    """Queries: one per target, by priority and period together (2); priority names 1."""
    spans = periods(query)
    by_priority: dict[Any, dict[str, int]] = {}
    by_period: dict[int, dict[str, int]] = {}
    for prefix, at, breached, _label in TARGETS:
        measured = query.tickets().filter(query.during(at), **{f"{breached}__isnull": False})
        counts = {
            f"{prefix}_measured": Count("*"),
            f"{prefix}_breached": Count(breached, filter=Q(**{breached: True})),
        }
        found = (
            measured.annotate(span=period_index(at, spans))
            .values("priority_id", "span")
            .annotate(**counts)
        )
        for row in found:
            for entry in (
                by_priority.setdefault(row["priority_id"], {}),
                by_period.setdefault(row["span"], {}),
            ):
                for name in counts:
                    entry[name] = entry.get(name, 0) + row[name]
    rows = [
        Row("priority", name, _values(by_priority[key]), key)
        for key, name in priority_order()
        if key in by_priority
    ]
    rows += [
        Row("period", span.label, _values(by_period.get(index, {})), span.key)
        for index, span in enumerate(spans)
    ]
    total: dict[str, int] = {}
    for entry in by_priority.values():
        for prefix, *_rest in TARGETS:
            for name in (f"{prefix}_measured", f"{prefix}_breached"):
                total[name] = total.get(name, 0) + entry.get(name, 0)
    rows.append(Row("total", str(_("All tickets")), _values(total)))
    return Report(
        section="sla",
        title=TITLE,
        description=DESCRIPTION,
        columns=columns(),
        rows=rows,
        chart=Chart(
            type="line",
            dimension="period",
            scale=_("Within target (%)"),
            datasets=[
                Dataset(_("First response"), "first_response_share", "period", PERCENT),
                Dataset(_("Resolution"), "resolution_share", "period", PERCENT),
            ],
        ),
        notes=[
            _("Measured: first responses given and tickets closed in the range that had a target.")
        ],
    )


def _values(counts: dict[str, Any]) -> dict[str, float | int | None]:
    values: dict[str, float | int | None] = {}
    for prefix, *_rest in TARGETS:
        measured = counts.get(f"{prefix}_measured", 0)
        breached = counts.get(f"{prefix}_breached", 0)
        values[f"{prefix}_measured"] = measured
        values[f"{prefix}_within"] = measured - breached
        values[f"{prefix}_breached"] = breached
        values[f"{prefix}_share"] = share(measured - breached, measured)
    return values
