"""The per-customer support report: the customer's tickets, time spent and response times.

Counts the customer's tickets in the viewer's scope (see permissions.py). The ticket
list holds the tickets opened or closed in the range or with time logged in it, at
most TICKETS_SHOWN of them (the report says when there are more).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from ticketdesk.customers.models import Customer

from .export import BOM, safe_cell
from .query import ReportQuery
from .sections.names import localized
from .sections.performance import TIMINGS
from .sections.time_spent import sums
from .stats import OVERALL, Summary, summarize
from .tables import NO_CATEGORY, minutes

TICKETS_SHOWN = 500
# The CSV lists more: it is read in a spreadsheet, not on a page.
TICKETS_EXPORTED = 10_000


@dataclass
class CustomerReport:
    customer: Customer
    query: ReportQuery
    counts: dict[str, int]
    timings: list[dict[str, Any]]  # label, mean, median, p90, count
    time_by_agent: list[dict[str, Any]]
    time_by_category: list[dict[str, Any]]
    time_total: dict[str, int]
    tickets: list[dict[str, Any]]
    more_tickets: bool


def customer_report(customer: Customer, query: ReportQuery) -> CustomerReport:
    """Queries: counts 1, timings 2 (PostgreSQL) or 4 (one per column), time 2, tickets 1."""
    tickets = query.tickets()
    opened, closed = query.during("opened_at"), query.during("closed_at")
    counts = tickets.filter(opened | closed).aggregate(
        opened=Count("pk", filter=opened),
        closed=Count("pk", filter=closed),
        reopened=Count("pk", filter=opened & Q(reopen_count__gt=0)),
    )
    found = summarize(
        tickets, [TIMINGS[0][1], TIMINGS[1][1]], [OVERALL], within=query.during("first_response_at")
    )[OVERALL].get(None, {})
    found |= summarize(tickets, [TIMINGS[2][1], TIMINGS[3][1]], [OVERALL], within=closed)[
        OVERALL
    ].get(None, {})
    timings = []
    for _prefix, field, label in TIMINGS:
        summary = found.get(field, Summary())
        timings.append(
            {
                "label": label,
                "count": summary.count,
                "mean": minutes(summary.mean),
                "median": minutes(summary.median),
                "p90": minutes(summary.p90),
            }
        )
    segments = query.segments()
    by_agent = [
        {"name": r["full_name"] or r["email"], **_time(r)}
        for r in segments.values(full_name=F("agent__full_name"), email=F("agent__email"))
        .annotate(**sums())
        .order_by("-total", "full_name", "email")
    ]
    by_category = [
        {"name": localized(r["de"], r["en"]) if r["de"] else str(NO_CATEGORY), **_time(r)}
        for r in segments.values(
            de=F("ticket__category__name_de"), en=F("ticket__category__name_en")
        )
        .annotate(**sums())
        .order_by("-total", "de")
    ]
    total = {
        name: sum(row[name] for row in by_agent) for name in ("total", "billable", "not_billable")
    }
    listed = customer_tickets(query)
    return CustomerReport(
        customer=customer,
        query=query,
        counts=counts,
        timings=timings,
        time_by_agent=by_agent,
        time_by_category=by_category,
        time_total=total,
        tickets=listed[:TICKETS_SHOWN],
        more_tickets=len(listed) > TICKETS_SHOWN,
    )


def _time(row: dict[str, Any]) -> dict[str, int]:
    return {
        "total": row["total"],
        "billable": row["billable"],
        "not_billable": row["total"] - row["billable"],
    }


def customer_tickets(query: ReportQuery, *, limit: int = TICKETS_SHOWN) -> list[dict[str, Any]]:
    """The listed tickets (up to `limit` and one more, which tells that there are more) with
    the minutes logged on each in the range (one query)."""
    in_range = query.segments().filter(ticket=OuterRef("pk")).values("ticket")
    worked = query.segments().values("ticket_id")
    minutes_logged = in_range.annotate(total=Sum("minutes")).values("total")
    billable = in_range.filter(billable=True).annotate(total=Sum("minutes")).values("total")
    rows = (
        query.tickets()
        .filter(query.during("opened_at") | query.during("closed_at") | Q(pk__in=worked))
        .annotate(
            time_total=Coalesce(Subquery(minutes_logged, output_field=IntegerField()), 0),
            time_billable=Coalesce(Subquery(billable, output_field=IntegerField()), 0),
        )
        .order_by("opened_at", "pk")
        .values(
            "number",
            "subject",
            "opened_at",
            "closed_at",
            "first_response_business_minutes",
            "resolution_business_minutes",
            "time_total",
            "time_billable",
            status_de=F("status__name_de"),
            status_en=F("status__name_en"),
            priority_de=F("priority__name_de"),
            priority_en=F("priority__name_en"),
        )[: limit + 1]
    )
    prefix = settings.TICKET_NUMBER_PREFIX
    return [
        {
            **row,
            "reference": f"{prefix}{row['number']}",
            "status": localized(row["status_de"], row["status_en"]),
            "priority": localized(row["priority_de"], row["priority_en"]),
        }
        for row in rows
    ]


def tickets_csv(tickets: list[dict[str, Any]], *, limit: int = TICKETS_EXPORTED) -> str:
    """The report's ticket table as CSV (UTF-8 with BOM, formula-safe), minutes as numbers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            _("Ticket"),
            _("Subject"),
            _("Status"),
            _("Priority"),
            _("Opened"),
            _("Closed"),
            _("First response, business (min)"),
            _("Resolution, business (min)"),
            _("Time (min)"),
            _("Billable (min)"),
        ]
    )
    for row in tickets[:limit]:
        writer.writerow(
            [
                row["reference"],
                safe_cell(row["subject"]),
                safe_cell(row["status"]),
                safe_cell(row["priority"]),
                _when(row["opened_at"]),
                _when(row["closed_at"]),
                _number(row["first_response_business_minutes"]),
                _number(row["resolution_business_minutes"]),
                row["time_total"],
                row["time_billable"],
            ]
        )
    return BOM + buffer.getvalue()


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _number(value: int | None) -> str:
    return "" if value is None else str(value)
