"""Time spent: agents' logged minutes in the range per agent, customer and category,
billable and not (time segments by their start; the agent filter is who logged them)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from ticketdesk.customers.models import Customer

from ..query import ReportQuery
from ..tables import (
    MINUTES,
    NO_CATEGORY,
    OTHER_CUSTOMERS,
    PERCENT,
    Chart,
    Column,
    Dataset,
    Report,
    Row,
    share,
)
from .names import agent_names, by_name, category_names

TITLE = _("Time spent")
DESCRIPTION = _(
    "Working time logged in the range (timer and manual entries) per agent, customer and "
    "category, billable and not billable."
)
TOP_CUSTOMERS = 20
SUMS = ("total", "billable", "segments")


def columns() -> list[Column]:
    return [
        Column("total", _("Total"), MINUTES),
        Column("billable", _("Billable"), MINUTES),
        Column("not_billable", _("Not billable"), MINUTES),
        Column("billable_share", _("Billable (%)"), PERCENT),
        Column("segments", _("Entries")),
    ]


def sums() -> dict[str, Any]:
    return {
        "total": Coalesce(Sum("minutes"), 0),
        "billable": Coalesce(Sum("minutes", filter=Q(billable=True)), 0),
        "segments": Count("*"),
    }


def time_spent(query: ReportQuery) -> Report:
    """Queries: per agent, per customer (the busiest) and per category (3); names 3.

    The sums are grouped by id alone and named afterwards: joining the names into the
    GROUP BY would join every segment, not every group.
    """
    segments = query.segments()
    agents = list(segments.values(key=F("agent_id")).annotate(**sums()))
    agent_name = agent_names(row["key"] for row in agents)
    rows = _rows("agent", agents, lambda r: agent_name.get(r["key"], ""))
    busiest = list(
        segments.values(key=F("ticket__customer_id"))
        .annotate(**sums())
        .order_by("-total", "key")[:TOP_CUSTOMERS]
    )
    customer_name = dict(
        Customer.objects.filter(pk__in=[row["key"] for row in busiest]).values_list("pk", "name")
    )
    total = {name: sum(r[name] for r in agents) for name in SUMS}
    customers = _rows(
        "customer", busiest, lambda r: customer_name.get(r["key"], ""), keep_order=True
    )
    rest = {name: total[name] - sum(r[name] for r in busiest) for name in SUMS}
    if rest["segments"]:
        customers.append(Row("customer", str(OTHER_CUSTOMERS), _values(rest)))
    rows += customers
    categories = list(segments.values(key=F("ticket__category_id")).annotate(**sums()))
    category_name = category_names(row["key"] for row in categories)
    rows += _rows("category", categories, lambda r: category_name.get(r["key"], str(NO_CATEGORY)))
    rows.append(Row("total", str(_("All time")), _values(total)))
    return Report(
        section="time",
        title=TITLE,
        description=DESCRIPTION,
        columns=columns(),
        rows=rows,
        chart=Chart(
            type="bar",
            dimension="agent",
            scale=_("Hours"),
            datasets=[
                Dataset(_("Billable"), "billable", "agent", MINUTES, stack="time"),
                Dataset(_("Not billable"), "not_billable", "agent", MINUTES, stack="time"),
            ],
        ),
        notes=[
            _("Customers: the %(count)d with the most time; the others summed up.")
            % {"count": TOP_CUSTOMERS}
        ],
    )


def _rows(
    dimension: str, found: list[dict[str, Any]], name: Any, *, keep_order: bool = False
) -> list[Row]:
    names = {r["key"]: name(r) for r in found}
    by_key = {r["key"]: r for r in found}
    keys = list(by_key) if keep_order else by_name(names, by_key)
    return [Row(dimension, names[key], _values(by_key[key]), key) for key in keys]


def _values(sums: dict[str, Any]) -> dict[str, float | int | None]:
    return {
        "total": sums["total"],
        "billable": sums["billable"],
        "not_billable": sums["total"] - sums["billable"],
        "billable_share": share(sums["billable"], sums["total"]),
        "segments": sums["segments"],
    }
