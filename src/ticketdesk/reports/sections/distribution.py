"""Work distribution: tickets opened and closed in the range per agent, team, category, customer
and priority (customers: the busiest ones, the rest summed up).

Closings are counted once per combination of agent, team, category and priority (a
few hundred rows at most, summed up here), and for the busiest customers only.
Openings too on PostgreSQL (one hashed pass); SQLite counts them one column at a
time instead, each from the (column, opened) index the ticket list keeps anyway,
which needs no sort. COUNT(*), not COUNT(id): an index does not hold the id on
PostgreSQL, and counting it would read every row.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import connection
from django.db.models import Count, F
from django.utils.translation import gettext_lazy as _

from ticketdesk.customers.models import Customer

from ..query import ReportQuery
from ..tables import (
    NO_AGENT,
    NO_CATEGORY,
    NO_TEAM,
    OTHER_CUSTOMERS,
    Chart,
    Column,
    Dataset,
    Report,
    Row,
    share,
)
from .names import agent_names, by_name, category_names, priority_order, team_names

TITLE = _("Work distribution")
DESCRIPTION = _(
    "Tickets opened and closed in the range per agent (the assignee), team, category, "
    "customer and priority."
)
TOP_CUSTOMERS = 20
# Dimension: the ticket column and the name of "none".
DIMENSIONS = {
    "agent": ("assignee_id", NO_AGENT),
    "team": ("team_id", NO_TEAM),
    "category": ("category_id", NO_CATEGORY),
    "priority": ("priority_id", ""),
}


def columns() -> list[Column]:
    return [
        Column("opened", _("Opened")),
        Column("closed", _("Closed")),
        Column("opened_share", _("Share of opened (%)"), "percent"),
    ]


def distribution(query: ReportQuery) -> Report:
    """Queries: openings 5 (PostgreSQL 2), closings 2, names 5."""
    tickets = query.tickets()
    opened_in_range = tickets.filter(query.during("opened_at"))
    closed_in_range = tickets.filter(query.during("closed_at"))
    if connection.vendor == "postgresql":
        opened = _by_combination(opened_in_range)
    else:
        opened = {}
        for dimension, (column, _none) in DIMENSIONS.items():
            found = opened_in_range.values(key=F(column)).annotate(n=Count("*"))
            opened[dimension] = Counter({row["key"]: row["n"] for row in found})
    closed = _by_combination(closed_in_range)
    total = {
        "opened": sum(opened["priority"].values()),
        "closed": sum(closed["priority"].values()),
    }
    names = {
        "agent": agent_names(set(opened["agent"]) | set(closed["agent"])),
        "team": team_names(set(opened["team"]) | set(closed["team"])),
        "category": category_names(set(opened["category"]) | set(closed["category"])),
    }
    rows: list[Row] = []
    for dimension in ("agent", "team", "category"):
        none = str(DIMENSIONS[dimension][1])
        keys = by_name(names[dimension], set(opened[dimension]) | set(closed[dimension]))
        rows += [
            _row(dimension, names[dimension].get(key, none), key, opened, closed) for key in keys
        ]
    rows += _customers(opened_in_range, closed_in_range, total)
    for key, name in priority_order():
        if opened["priority"][key] or closed["priority"][key]:
            rows.append(_row("priority", name, key, opened, closed))
    rows.append(Row("total", str(_("All tickets")), dict(total)))
    for row in rows:
        row.values["opened_share"] = share(int(row.values["opened"] or 0), total["opened"])
    return Report(
        section="distribution",
        title=TITLE,
        description=DESCRIPTION,
        columns=columns(),
        rows=rows,
        chart=Chart(
            type="bar",
            dimension="agent",
            scale=_("Tickets"),
            datasets=[
                Dataset(_("Opened"), "opened", "agent"),
                Dataset(_("Closed"), "closed", "agent"),
            ],
        ),
        notes=[
            _("Customers: the %(count)d with the most openings; the others summed up.")
            % {"count": TOP_CUSTOMERS}
        ],
    )


def _by_combination(tickets: Any) -> dict[str, Counter[Any]]:
    """Counts per agent, team, category and priority from one GROUP BY of all four."""
    counts: dict[str, Counter[Any]] = {dimension: Counter() for dimension in DIMENSIONS}
    combinations = tickets.values(*(column for column, _none in DIMENSIONS.values()))
    for row in combinations.annotate(n=Count("*")):
        for dimension, (column, _none) in DIMENSIONS.items():
            counts[dimension][row[column]] += row["n"]
    return counts


def _row(
    dimension: str,
    name: str,
    key: Any,
    opened: dict[str, Counter[Any]],
    closed: dict[str, Counter[Any]],
) -> Row:
    values = {"opened": opened[dimension][key], "closed": closed[dimension][key]}
    return Row(dimension, name, values, key)


def _customers(opened_in_range: Any, closed_in_range: Any, total: dict[str, int]) -> list[Row]:
    """The busiest customers by openings, with their closings, and the others summed up."""
    busiest = list(
        opened_in_range.values(key=F("customer_id"))
        .annotate(n=Count("*"))
        .order_by("-n", "key")[:TOP_CUSTOMERS]
    )
    ids = [row["key"] for row in busiest]
    found = closed_in_range.filter(customer_id__in=ids).values(key=F("customer_id"))
    closed = {row["key"]: row["n"] for row in found.annotate(n=Count("*"))}
    names = dict(Customer.objects.filter(pk__in=ids).values_list("pk", "name"))
    rows = [
        Row(
            "customer",
            names.get(row["key"], ""),
            {"opened": row["n"], "closed": closed.get(row["key"], 0)},
            row["key"],
        )
        for row in busiest
    ]
    rest = {
        "opened": total["opened"] - sum(row["n"] for row in busiest),
        "closed": total["closed"] - sum(closed.values()),
    }
    if rest["opened"] or rest["closed"]:
        rows.append(Row("customer", str(OTHER_CUSTOMERS), rest))
    return rows
