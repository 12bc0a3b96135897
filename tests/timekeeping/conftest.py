"""Fixtures of the time-keeping tests: a ticket, agents in each role, a frozen clock."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory
from tests.tickets.factories import TicketFactory
from ticketdesk.accounts.models import User
from ticketdesk.tickets.models import Category, Ticket

# Tuesday 2 June 2026, 10:02 in Berlin (CEST, UTC+2).
T0 = datetime.datetime(2026, 6, 2, 8, 2, tzinfo=datetime.UTC)


@pytest.fixture
def clock(time_machine):
    """The server's clock, frozen at T0; `clock.at(seconds)` moves it to T0 + seconds."""

    class Clock:
        def at(self, seconds: float) -> datetime.datetime:
            moment = T0 + datetime.timedelta(seconds=seconds)
            time_machine.move_to(moment, tick=False)
            return moment

    clock = Clock()
    clock.at(0)
    return clock


@pytest.fixture
def agent() -> User:
    return UserFactory(full_name="Anna Agent")


@pytest.fixture
def colleague() -> User:
    return UserFactory(full_name="Bert Colleague")


@pytest.fixture
def admin() -> User:
    return UserFactory(admin=True, full_name="Ada Admin")


@pytest.fixture
def read_only() -> User:
    return UserFactory(read_only=True, full_name="Rita Reader")


@pytest.fixture
def ticket(agent: User, clock) -> Ticket:
    category = Category.objects.order_by("pk").first()  # its time_billable: None (the setting)
    return TicketFactory(by=agent, subject="VPN down", category=category)


@pytest.fixture
def agent_client(client: Client, agent: User) -> Client:
    client.force_login(agent)
    return client


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
