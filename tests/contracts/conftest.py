"""Fixtures of the contract tests: a frozen clock, users by role, a customer with a ticket."""

from __future__ import annotations

import datetime

import pytest

from tests.accounts.factories import UserFactory
from tests.customers.factories import CustomerFactory
from tests.tickets.factories import TicketFactory
from ticketdesk.accounts.models import User
from ticketdesk.customers.models import Customer
from ticketdesk.tickets.models import Ticket

# Tuesday 2 June 2026, 10:02 in Berlin (CEST, UTC+2).
T0 = datetime.datetime(2026, 6, 2, 8, 2, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 6, 2)


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(T0, tick=False)


@pytest.fixture
def agent() -> User:
    return UserFactory(full_name="Anna Agent")


@pytest.fixture
def admin() -> User:
    return UserFactory(admin=True, full_name="Ada Admin", email="ada@ticketdesk.example")


@pytest.fixture
def read_only() -> User:
    return UserFactory(read_only=True)


@pytest.fixture
def customer() -> Customer:
    return CustomerFactory(name="Acme GmbH")


@pytest.fixture
def ticket(customer: Customer, agent: User) -> Ticket:
    return TicketFactory(customer=customer, by=agent, subject="VPN down")
