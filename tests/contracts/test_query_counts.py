"""The customer page, the ticket page's panel and the report section read in fixed queries,
however many movements the ledger holds."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.contracts.conftest import TODAY
from tests.contracts.factories import make_contract
from tests.customers.factories import CustomerFactory
from tests.tickets.factories import TicketFactory
from ticketdesk.contracts.panels import customer_contracts_context, ticket_points_context
from ticketdesk.reports.query import ReportQuery
from ticketdesk.reports.sections import build_report
from ticketdesk.timekeeping import services as time

pytestmark = pytest.mark.django_db


def fill(customer, agent, admin, count: int):
    sister = CustomerFactory()
    make_contract(customer, by=admin, total_points=1000, shared_with=[sister])
    make_contract(
        customer, by=admin, name="Older", total_points=5, valid_from=datetime.date(2025, 1, 1)
    )
    tickets = [TicketFactory(customer=c, by=agent) for c in (customer, sister)]
    for index in range(count):
        time.add_segment(tickets[index % 2], by=agent, date=TODAY, minutes=20, billable=True)
    return tickets[0]


def queries(function, *args) -> int:
    with CaptureQueriesContext(connection) as captured:
        function(*args)
    return len(captured.captured_queries)


@pytest.mark.parametrize("count", [2, 20])
def test_panels_run_fixed_queries(customer, agent, admin, count) -> None:
    ticket = fill(customer, agent, admin, count)
    assert queries(customer_contracts_context, customer, agent) == 3
    assert queries(ticket_points_context, ticket, agent) == 3


@pytest.mark.parametrize("count", [2, 20])
def test_customer_page_queries_do_not_grow(
    customer, agent, admin, count, client, django_assert_max_num_queries
) -> None:
    fill(customer, agent, admin, count)
    client.force_login(agent)
    with django_assert_max_num_queries(12):
        assert client.get(customer.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("count", [2, 20])
def test_report_section_runs_two_queries(customer, agent, admin, count) -> None:
    fill(customer, agent, admin, count)
    query = ReportQuery(first=TODAY.replace(day=1), last=TODAY)
    assert queries(build_report, "points", query) == 2
