"""Each section's numbers on the hand-built month (tests/reports/conftest.py)."""

from __future__ import annotations

import datetime

import pytest

from ticketdesk.reports.permissions import report_scope
from ticketdesk.reports.query import MONTH, WEEK, ReportQuery
from ticketdesk.reports.sections import build_report
from ticketdesk.reports.tables import Report

from .conftest import Month

pytestmark = pytest.mark.django_db


def rows(report: Report, dimension: str) -> dict[str, dict]:
    return {row.name: row.values for row in report.rows if row.dimension == dimension}


def total(report: Report) -> dict:
    (row,) = [row for row in report.rows if row.dimension == "total"]
    return row.values


def test_the_data_set_has_the_durations_the_services_keep(month: Month) -> None:
    t = month.tickets
    assert (t["T1"].first_response_minutes, t["T1"].first_response_business_minutes) == (60, 60)
    assert (t["T3"].first_response_minutes, t["T3"].first_response_business_minutes) == (1020, 120)
    assert (t["T1"].resolution_minutes, t["T1"].resolution_business_minutes) == (1440, 540)
    assert (t["T3"].resolution_minutes, t["T3"].resolution_business_minutes) == (4020, 1320)
    assert t["T3"].reopen_count == 1
    assert t["T2"].first_response_breached is True
    assert t["T1"].first_response_breached is False


def test_performance_counts_per_team_agent_and_total(month: Month) -> None:
    report = build_report("performance", month.query())
    teams, agents = rows(report, "team"), rows(report, "agent")
    assert list(teams) == ["Alpha", "Beta", "No team"]
    assert [teams[n]["opened"] for n in teams] == [2, 1, 1]
    assert [teams[n]["closed"] for n in teams] == [2, 1, 0]
    assert [teams[n]["reopened"] for n in teams] == [0, 1, 0]
    assert list(agents) == ["Anna Alpha", "Bob Beta", "Unassigned"]
    assert [agents[n]["opened"] for n in agents] == [2, 1, 1]
    assert {k: total(report)[k] for k in ("opened", "closed", "reopened")} == {
        "opened": 4,
        "closed": 3,
        "reopened": 1,
    }


def test_performance_first_response_mean_median_and_90th_percentile(month: Month) -> None:
    report = build_report("performance", month.query())
    all_tickets = total(report)
    # Wall clock 60, 150, 1020; business 60, 150, 120.
    assert [all_tickets[f"first_response_{s}"] for s in ("mean", "median", "p90")] == [
        410,
        150,
        846,
    ]
    assert [all_tickets[f"first_response_business_{s}"] for s in ("mean", "median", "p90")] == [
        110,
        120,
        144,
    ]
    alpha = rows(report, "team")["Alpha"]
    assert [alpha[f"first_response_{s}"] for s in ("mean", "median", "p90")] == [105, 105, 141]
    bob = rows(report, "agent")["Bob Beta"]
    assert [bob[f"first_response_business_{s}"] for s in ("mean", "median", "p90")] == [120] * 3
    # Nobody answered the unassigned ticket: no time, not zero.
    assert rows(report, "agent")["Unassigned"]["first_response_median"] is None


def test_performance_resolution_counts_the_last_closing(month: Month) -> None:
    report = build_report("performance", month.query())
    all_tickets = total(report)
    # Wall clock 180, 1440, 4020 (T3 from opening to its second closing); business 180, 540, 1320.
    assert [all_tickets[f"resolution_{s}"] for s in ("mean", "median", "p90")] == [1880, 1440, 3504]
    assert [all_tickets[f"resolution_business_{s}"] for s in ("mean", "median", "p90")] == [
        680,
        540,
        1164,
    ]


def test_performance_chart_shows_agents_median_business_hours(month: Month) -> None:
    chart = build_report("performance", month.query()).chart_data()
    assert chart["type"] == "bar"
    assert chart["labels"] == ["Anna Alpha", "Bob Beta", "Unassigned"]
    assert chart["datasets"][0]["data"] == [1.75, 2.0, None]  # 105 and 120 minutes


def test_distribution_per_dimension(month: Month) -> None:
    report = build_report("distribution", month.query())
    assert {n: (v["opened"], v["closed"]) for n, v in rows(report, "agent").items()} == {
        "Anna Alpha": (2, 2),
        "Bob Beta": (1, 1),
        "Unassigned": (1, 0),
    }
    assert {n: (v["opened"], v["closed"]) for n, v in rows(report, "team").items()} == {
        "Alpha": (2, 2),
        "Beta": (1, 1),
        "No team": (1, 0),
    }
    assert {n: v["opened"] for n, v in rows(report, "category").items()} == {
        "Billing": 1,
        "Technical": 2,
        "No category": 1,
    }
    customers = rows(report, "customer")
    assert list(customers) == ["Acme", "Globex"]
    assert (customers["Acme"]["closed"], customers["Globex"]["closed"]) == (2, 1)
    priorities = rows(report, "priority")
    assert list(priorities) == ["Normal", "Urgent"]
    assert priorities["Normal"]["opened"] == 3
    assert priorities["Normal"]["opened_share"] == 75.0
    assert (total(report)["opened"], total(report)["closed"]) == (4, 3)


def test_distribution_sums_customers_past_the_busiest(month: Month, monkeypatch) -> None:
    from ticketdesk.reports.sections import distribution

    monkeypatch.setattr(distribution, "TOP_CUSTOMERS", 1)
    customers = rows(build_report("distribution", month.query()), "customer")
    assert customers == {
        "Acme": {"opened": 2, "closed": 2, "opened_share": 50.0},
        "Other customers": {"opened": 2, "closed": 1, "opened_share": 50.0},
    }


def test_sla_compliance_per_priority_period_and_total(month: Month) -> None:
    report = build_report("sla", month.query(period=WEEK))
    normal, urgent = rows(report, "priority")["Normal"], rows(report, "priority")["Urgent"]
    assert (normal["first_response_measured"], normal["first_response_breached"]) == (2, 0)
    assert (urgent["first_response_measured"], urgent["first_response_breached"]) == (1, 1)
    assert urgent["first_response_share"] == 0.0
    everything = total(report)
    assert everything["first_response_within"] == 2
    assert everything["first_response_share"] == 66.7
    assert (everything["resolution_measured"], everything["resolution_share"]) == (3, 100.0)
    periods = [row for row in report.rows if row.dimension == "period"]
    assert [row.key for row in periods] == [
        "2025-W09",
        "2025-W10",
        "2025-W11",
        "2025-W12",
        "2025-W13",
        "2025-W14",
    ]
    assert periods[1].values["first_response_measured"] == 3
    assert periods[0].values["first_response_share"] is None  # nothing measured that week


def test_time_spent_per_agent_customer_category(month: Month) -> None:
    report = build_report("time", month.query())
    agents = rows(report, "agent")
    assert agents["Anna Alpha"] == {
        "total": 75,
        "billable": 30,
        "not_billable": 45,
        "billable_share": 40.0,
        "segments": 2,
    }
    assert agents["Bob Beta"]["total"] == 90  # February's 20 minutes are outside
    assert {n: v["billable"] for n, v in rows(report, "customer").items()} == {
        "Acme": 120,
        "Globex": 0,
    }
    assert {n: v["total"] for n, v in rows(report, "category").items()} == {
        "Billing": 90,
        "Technical": 75,
    }
    assert (total(report)["total"], total(report)["billable"]) == (165, 120)


def test_time_spent_agent_filter_means_who_logged(month: Month) -> None:
    report = build_report("time", month.query(agents=(month.bob.pk,)))
    assert list(rows(report, "agent")) == ["Bob Beta"]
    assert total(report)["total"] == 90


def test_backlog_by_week(month: Month) -> None:
    report = build_report("backlog", month.query(period=WEEK))
    periods = [row.values for row in report.rows if row.dimension == "period"]
    # One ticket open when March starts (T6); T1-T4 opened, T1-T3 closed in the first week.
    assert [(p["opened"], p["closed"], p["open_at_end"]) for p in periods] == [
        (0, 0, 1),
        (4, 3, 2),
        (0, 0, 2),
        (0, 0, 2),
        (0, 0, 2),
        (0, 0, 2),
    ]
    assert total(report) == {"opened": 4, "closed": 3, "open_at_end": 2}


def test_backlog_by_month_over_a_quarter(month: Month) -> None:
    query = ReportQuery(
        first=datetime.date(2025, 1, 1), last=datetime.date(2025, 3, 31), period=MONTH
    )
    periods = [r for r in build_report("backlog", query).rows if r.dimension == "period"]
    assert [r.key for r in periods] == ["2025-01", "2025-02", "2025-03"]
    assert [r.values["open_at_end"] for r in periods] == [0, 1, 2]
    assert [r.values["opened"] for r in periods] == [0, 2, 4]


def test_filters_narrow_every_section(month: Month) -> None:
    query = month.query(teams=(month.beta.pk,))
    assert total(build_report("performance", query))["opened"] == 1
    assert total(build_report("distribution", query))["closed"] == 1
    assert total(build_report("time", query))["total"] == 90
    by_customer = month.query(customers=(month.globex.pk,))
    assert total(build_report("distribution", by_customer))["opened"] == 2
    by_category = month.query(categories=(month.billing.pk,))
    assert total(build_report("sla", by_category))["first_response_measured"] == 1


def test_an_agent_counts_their_teams_and_tickets_without_team(month: Month) -> None:
    # Anna is in Alpha: T1, T2 (Alpha) and T4 (no team), not Bob's T3 (Beta).
    query = month.query(scope=report_scope(month.anna))
    assert total(build_report("performance", query))["opened"] == 3
    assert list(rows(build_report("performance", query), "team")) == ["Alpha", "No team"]
    assert total(build_report("time", query))["total"] == 75
    admin_query = month.query(scope=report_scope(month.admin))
    assert total(build_report("performance", admin_query))["opened"] == 4


def test_an_empty_range_gives_empty_sections(month: Month) -> None:
    query = ReportQuery(first=datetime.date(2024, 1, 1), last=datetime.date(2024, 1, 31))
    performance = build_report("performance", query)
    assert total(performance)["opened"] == 0
    assert total(performance)["first_response_median"] is None
    assert rows(performance, "agent") == {}
    assert total(build_report("sla", query))["first_response_share"] is None
    assert total(build_report("time", query))["total"] == 0
