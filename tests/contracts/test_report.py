"""The report section "Points consumed": per customer and month, JSON and CSV."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from tests.contracts.conftest import TODAY
from tests.contracts.factories import make_contract
from tests.customers.factories import CustomerFactory
from tests.tickets.factories import TicketFactory
from ticketdesk.contracts.services.contracts import add_manual_movement
from ticketdesk.reports.query import ReportQuery
from ticketdesk.reports.sections import build_report
from ticketdesk.timekeeping import services as time

pytestmark = pytest.mark.django_db
RANGE = {"range": "custom", "from": "2026-05-01", "to": "2026-06-30", "period": "month"}


@pytest.fixture
def consumption(customer, agent, admin):
    sister = CustomerFactory(name="Acme Services")
    contract = make_contract(customer, by=admin, total_points=100, shared_with=[sister])
    own, theirs = (
        TicketFactory(customer=customer, by=agent),
        TicketFactory(customer=sister, by=agent),
    )
    time.add_segment(own, by=agent, date=datetime.date(2026, 5, 20), minutes=30, billable=True)
    segment = time.add_segment(own, by=agent, date=TODAY, minutes=45, billable=True)
    time.add_segment(theirs, by=agent, date=TODAY, minutes=15, billable=True)
    time.change_segment(segment, by=agent, date=TODAY, minutes=15, comment="", billable=True)
    add_manual_movement(contract, by=admin, kind="debit", points=4, reason="On-site")
    add_manual_movement(contract, by=admin, kind="credit", points=50, reason="Top-up")
    return contract, sister


def test_points_per_customer_and_month(customer, consumption) -> None:
    _contract, _sister = consumption
    report = build_report("points", ReportQuery(first=datetime.date(2026, 5, 1), last=TODAY))
    rows = {row.name: row.values for row in report.rows}
    assert rows["Acme GmbH"] == {"2026-05": 2, "2026-06": 5, "total": 7}  # 1 + debit 4
    assert rows["Acme Services"] == {"2026-05": 0, "2026-06": 1, "total": 1}
    assert rows["All customers"]["total"] == 8


def test_points_section_as_json_and_csv(customer, consumption, agent, client) -> None:
    client.force_login(agent)
    data = client.get(reverse("reports:json", args=["points"]), RANGE).json()
    assert data["section"] == "points"
    assert [row["name"] for row in data["rows"]] == ["Acme GmbH", "Acme Services", "All customers"]
    csv = client.get(reverse("reports:csv", args=["points"]), RANGE).content.decode()
    assert "Acme GmbH" in csv.splitlines()[1]
    page = client.get(reverse("reports:index"), RANGE).content.decode()
    assert 'id="section-points"' in page


def test_an_agents_report_leaves_out_other_teams_tickets(customer, agent, admin) -> None:
    from tests.accounts.factories import TeamFactory
    from ticketdesk.reports.permissions import report_scope

    mine, other = TeamFactory(), TeamFactory()
    agent.teams.add(mine)
    make_contract(customer, by=admin, total_points=100)
    for team, minutes in [(mine, 15), (other, 60)]:
        ticket = TicketFactory(customer=customer, by=agent, team=team)
        time.add_segment(ticket, by=agent, date=TODAY, minutes=minutes, billable=True)
    query = ReportQuery(first=TODAY, last=TODAY, scope=report_scope(agent))
    rows = {row.name: row.values for row in build_report("points", query).rows}
    assert rows["Acme GmbH"]["total"] == 1
