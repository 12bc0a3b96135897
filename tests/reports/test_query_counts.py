"""Every section runs a fixed number of queries: the same for 3 tickets as for 30."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.accounts.factories import TeamFactory, UserFactory
from tests.customers.factories import CustomerFactory
from tests.tickets.factories import TicketFactory
from ticketdesk.reports.customer import customer_report
from ticketdesk.reports.query import WEEK, ReportQuery
from ticketdesk.reports.sections import SECTIONS, build_report
from ticketdesk.tickets import services
from ticketdesk.tickets.models import Category
from ticketdesk.timekeeping import services as time_services

pytestmark = pytest.mark.django_db

FIRST, LAST = datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)
START = datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)
POSTGRES = connection.vendor == "postgresql"
# Per section: the queries it needs (docstrings of the section functions say which).
EXPECTED = {
    "performance": 11 if POSTGRES else 9,
    "distribution": 9 if POSTGRES else 12,
    "sla": 3,
    "time": 6,
    "backlog": 4,
    # No contracts in this data: no consumption, so no names to look up
    # (tests/contracts/test_report.py pins 2 with consumption).
    "points": 1,
}
EXPECTED_CUSTOMER_REPORT = 6 if POSTGRES else 8


def build(count: int) -> None:
    """`count` tickets over two teams, agents and customers: answered, most closed, timed."""
    teams = [TeamFactory(), TeamFactory()]
    agents = [UserFactory(), UserFactory(), UserFactory()]
    customers = [CustomerFactory() for _ in range(4)]
    categories = list(Category.objects.order_by("pk")[:2])
    for index in range(count):
        opened = START + datetime.timedelta(hours=5 * index)
        agent = agents[index % 3]
        with time_machine.travel(opened, tick=False):
            ticket = TicketFactory(
                by=agent,
                customer=customers[index % 4],
                team=teams[index % 2] if index % 5 else None,
                assignee=agent if index % 4 else None,
                category=categories[index % 2] if index % 3 else None,
            )
        with time_machine.travel(opened + datetime.timedelta(minutes=30 + index), tick=False):
            services.add_reply(ticket, by=agent, text="On it.", notify_requester=False)
        if index % 3:
            with time_machine.travel(opened + datetime.timedelta(hours=3), tick=False):
                services.close_ticket(ticket, by=agent)
        with time_machine.travel(datetime.datetime(2025, 4, 1, tzinfo=datetime.UTC)):
            time_services.add_segment(
                ticket, by=agent, date=opened.date(), minutes=10 + index, billable=bool(index % 2)
            )


def counts(query: ReportQuery) -> dict[str, int]:
    result = {}
    for slug in SECTIONS:
        with CaptureQueriesContext(connection) as captured:
            report = build_report(slug, query)
        assert report.rows
        result[slug] = len(captured.captured_queries)
    return result


@pytest.mark.parametrize("tickets", [3, 30])
def test_each_section_runs_a_fixed_number_of_queries(tickets: int) -> None:
    build(tickets)
    query = ReportQuery(first=FIRST, last=LAST, period=WEEK)
    assert counts(query) == EXPECTED


@pytest.mark.parametrize("tickets", [3, 30])
def test_filters_add_no_query(tickets: int) -> None:
    build(tickets)
    from ticketdesk.accounts.models import Team

    team = Team.objects.order_by("pk").first()
    assert team is not None
    query = ReportQuery(first=FIRST, last=LAST, teams=(team.pk,))
    assert counts(query) == EXPECTED


@pytest.mark.parametrize("tickets", [3, 30])
def test_the_customer_report_runs_a_fixed_number_of_queries(tickets: int) -> None:
    build(tickets)
    from ticketdesk.tickets.models import Ticket

    # A customer with answered and closed tickets, so every timing has values to rank.
    customer = Ticket.objects.filter(closed_at__isnull=False).order_by("pk")[0].customer
    query = ReportQuery(first=FIRST, last=LAST, customers=(customer.pk,))
    with CaptureQueriesContext(connection) as captured:
        report = customer_report(customer, query)
    assert report.tickets
    assert len(captured.captured_queries) == EXPECTED_CUSTOMER_REPORT
