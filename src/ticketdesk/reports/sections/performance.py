"""Team performance: tickets opened, closed and reopened; first-response and resolution times.

Per team, per agent (the assignee) and in total. Counted in the range: opened by
`opened_at`, reopened by the REOPENED events in the range, closed by `closed_at`.
First-response times are those of tickets first answered in the range, resolution
times those of tickets closed in the range (from the opening to the last closing);
both wall-clock and business minutes.

The services write the resolution minutes in the same change-set that sets
`closed_at` (and the migrations backfilled them), so the tickets closed in the range
are exactly those with resolution minutes there: the closed count comes with the
resolution times instead of a query of its own.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F
from django.utils.translation import gettext_lazy as _

from ticketdesk.tickets.models import EventAction, TicketEvent

from ..query import ReportQuery
from ..stats import OVERALL, Summary, summarize
from ..tables import MINUTES, NO_AGENT, NO_TEAM, Chart, Column, Dataset, Report, Row, minutes
from .names import agent_names, by_name, team_names

TITLE = _("Team performance")
DESCRIPTION = _(
    "Tickets opened, closed and reopened, and the time to first response and to resolution, "
    "per team and agent (the assignee)."
)
# Each timing: its column prefix, the ticket column and the label.
TIMINGS = [
    ("first_response", "first_response_minutes", _("First response")),
    ("first_response_business", "first_response_business_minutes", _("First response, business")),
    ("resolution", "resolution_minutes", _("Resolution")),
    ("resolution_business", "resolution_business_minutes", _("Resolution, business")),
]
STATS = [("mean", _("mean")), ("median", _("median")), ("p90", _("90th percentile"))]
LEVELS = {"team": "team_id", "agent": "assignee_id"}


def columns() -> list[Column]:
    result = [
        Column("opened", _("Opened")),
        Column("closed", _("Closed")),
        Column("reopened", _("Reopened")),
    ]
    for prefix, _field, label in TIMINGS:
        for stat, stat_label in STATS:
            result.append(Column(f"{prefix}_{stat}", f"{label}: {stat_label}", MINUTES))
    return result


def performance(query: ReportQuery) -> Report:
    """Queries: opened 2, reopened 1, timings 6 (one per level and call) or on SQLite 4, names 2."""
    tickets = query.tickets()
    opened = tickets.filter(query.during("opened_at"))
    counts: dict[str, dict[Any, dict[str, int]]] = {"team": {}, "agent": {}}
    for dimension, level in LEVELS.items():
        # One column each, so the (team, opened) and (assignee, opened) indexes answer alone.
        for row in opened.values(key=F(level)).annotate(n=Count("*")):
            counts[dimension][row["key"]] = {"opened": row["n"]}
    reopened = (
        TicketEvent.objects.order_by()
        .filter(
            query.during("created_at"),
            query.ticket_filter("ticket__"),
            action=EventAction.REOPENED,
        )
        .values(team=F("ticket__team_id"), agent=F("ticket__assignee_id"))
        .annotate(n=Count("*"))
    )
    for row in reopened:
        for dimension in LEVELS:
            entry = counts[dimension].setdefault(row[dimension], {})
            entry["reopened"] = entry.get("reopened", 0) + row["n"]
    levels = [*LEVELS.values(), OVERALL]
    answered = query.during("first_response_at")
    timings = summarize(tickets, [TIMINGS[0][1], TIMINGS[1][1]], levels, within=answered)
    closed = query.during("closed_at")
    resolved = summarize(tickets, [TIMINGS[2][1], TIMINGS[3][1]], levels, within=closed)
    for level, groups in resolved.items():
        for key, summaries in groups.items():
            timings[level].setdefault(key, {}).update(summaries)
    rows = []
    for dimension, level in LEVELS.items():
        keys = set(counts[dimension]) | set(timings[level])
        names = team_names(keys) if dimension == "team" else agent_names(keys)
        empty = NO_TEAM if dimension == "team" else NO_AGENT
        for key in by_name(names, keys):
            values = _values(counts[dimension].get(key, {}), timings[level].get(key))
            rows.append(Row(dimension, names.get(key, str(empty)), values, key))
    total = {
        name: sum(entry.get(name, 0) for entry in counts["team"].values())
        for name in ("opened", "reopened")
    }
    rows.append(Row("total", str(_("All tickets")), _values(total, timings[OVERALL].get(None))))
    return Report(
        section="performance",
        title=TITLE,
        description=DESCRIPTION,
        columns=columns(),
        rows=rows,
        chart=Chart(
            type="bar",
            dimension="agent",
            scale=_("Hours (business time)"),
            datasets=[
                Dataset(
                    _("First response, median"), "first_response_business_median", "agent", MINUTES
                ),
                Dataset(_("Resolution, median"), "resolution_business_median", "agent", MINUTES),
            ],
        ),
        notes=[
            _("Reopened: reopenings in the range, by the ticket's team and assignee."),
            _("Times in minutes; business minutes count the opening hours only."),
        ],
    )


def _values(counts: dict[str, int], summaries: dict[str, Summary] | None) -> dict[str, Any]:
    summaries = summaries or {}
    values: dict[str, Any] = {
        "opened": counts.get("opened", 0),
        "closed": summaries.get(TIMINGS[2][1], Summary()).count,
        "reopened": counts.get("reopened", 0),
    }
    for prefix, field, _label in TIMINGS:
        summary = summaries.get(field, Summary())
        values[f"{prefix}_mean"] = minutes(summary.mean)
        values[f"{prefix}_median"] = minutes(summary.median)
        values[f"{prefix}_p90"] = minutes(summary.p90)
    return values
