"""A small, hand-built month of support work whose every report number is known.

Europe/Berlin, business hours Monday to Friday 08:00-17:00 (the default calendar),
no holiday in the week of Monday 3 March 2025. Everything is written through the
ticket and time-keeping services at controlled times:

    ticket  opened         team   agent  customer  prio    first reply    closed
    T1      Mon 03 09:00   Alpha  Anna   Acme      Normal  Mon 10:00      Tue 04 09:00
    T2      Mon 03 09:00   Alpha  Anna   Globex    Urgent  Mon 11:30      Mon 03 12:00
    T3      Mon 03 16:00   Beta   Bob    Acme      Normal  Tue 09:00      Wed 05 16:00,
                                                                          reopened Thu 06 10:00,
                                                                          closed Thu 06 11:00
    T4      Tue 04 10:00   —      —      Globex    Normal  —              —
    T5      Mon 10 Feb     Beta   Bob    Acme      Normal  —              Tue 11 Feb
    T6      Thu 20 Feb     Alpha  Anna   Globex    Normal  —              —

Time logged: Anna 30 min billable on T1 and 45 min not billable on T2 (3 March), Bob
90 min billable on T3 (5 March) and 20 min on T5 (11 February).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tests.accounts.factories import TeamFactory, UserFactory
from tests.customers.factories import CustomerFactory
from tests.tickets.factories import TicketFactory, priority
from ticketdesk.accounts.models import Team, User
from ticketdesk.customers.models import Customer
from ticketdesk.reports.query import ReportQuery
from ticketdesk.tickets import services
from ticketdesk.tickets.models import Category, Ticket
from ticketdesk.timekeeping import services as time_services

BERLIN = ZoneInfo("Europe/Berlin")
MARCH = (datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))
# When the reports are asked for: the month is over.
ASKED_AT = datetime.datetime(2025, 4, 1, 9, 0, tzinfo=BERLIN)


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2025, month, day, hour, minute, tzinfo=BERLIN)


@dataclass
class Month:
    anna: User
    bob: User
    admin: User
    alpha: Team
    beta: Team
    acme: Customer
    globex: Customer
    tickets: dict[str, Ticket]
    technical: Category
    billing: Category

    def query(self, **filters: Any) -> ReportQuery:
        return ReportQuery(first=MARCH[0], last=MARCH[1], **filters)


def _open(when: datetime.datetime, **fields: Any) -> Ticket:
    with time_machine.travel(when, tick=False):
        return TicketFactory(**fields)


def _reply(ticket: Ticket, by: User, when: datetime.datetime) -> None:
    with time_machine.travel(when, tick=False):
        services.add_reply(ticket, by=by, text="We are on it.", notify_requester=False)


def _close(ticket: Ticket, by: User, when: datetime.datetime) -> None:
    with time_machine.travel(when, tick=False):
        services.close_ticket(ticket, by=by)


@pytest.fixture
def month(settings: Any) -> Month:
    settings.TIME_ZONE = "Europe/Berlin"
    alpha, beta = TeamFactory(name="Alpha"), TeamFactory(name="Beta")
    anna = UserFactory(full_name="Anna Alpha", email="anna@example.com")
    bob = UserFactory(full_name="Bob Beta", email="bob@example.com")
    anna.teams.add(alpha)
    bob.teams.add(beta)
    admin = UserFactory(admin=True, full_name="Ada Admin")
    acme = CustomerFactory(name="Acme", number="K100")
    globex = CustomerFactory(name="Globex", number="K200")
    technical = Category.objects.get(name_en="Technical")
    billing = Category.objects.get(name_en="Billing")
    normal, urgent = priority("Normal"), priority("Urgent")
    common = {"by": admin}
    t1 = _open(at(3, 3, 9), customer=acme, team=alpha, assignee=anna, priority=normal,
               category=technical, **common)  # fmt: skip
    t2 = _open(at(3, 3, 9), customer=globex, team=alpha, assignee=anna, priority=urgent,
               category=technical, **common)  # fmt: skip
    t3 = _open(at(3, 3, 16), customer=acme, team=beta, assignee=bob, priority=normal,
               category=billing, **common)  # fmt: skip
    t4 = _open(at(3, 4, 10), customer=globex, priority=normal, **common)
    t5 = _open(at(2, 10, 9), customer=acme, team=beta, assignee=bob, priority=normal, **common)
    t6 = _open(at(2, 20, 9), customer=globex, team=alpha, assignee=anna, priority=normal,
               **common)  # fmt: skip
    _close(t5, bob, at(2, 11, 9))
    _reply(t1, anna, at(3, 3, 10))
    _reply(t2, anna, at(3, 3, 11, 30))
    _close(t2, anna, at(3, 3, 12))
    _reply(t3, bob, at(3, 4, 9))
    _close(t1, anna, at(3, 4, 9))
    _close(t3, bob, at(3, 5, 16))
    with time_machine.travel(at(3, 6, 10), tick=False):
        services.reopen_ticket(t3, by=bob)
    _close(t3, bob, at(3, 6, 11))
    with time_machine.travel(ASKED_AT, tick=False):
        for ticket, agent, day, minutes, billable in [
            (t1, anna, datetime.date(2025, 3, 3), 30, True),
            (t2, anna, datetime.date(2025, 3, 3), 45, False),
            (t3, bob, datetime.date(2025, 3, 5), 90, True),
            (t5, bob, datetime.date(2025, 2, 11), 20, True),
        ]:
            time_services.add_segment(
                ticket, by=agent, date=day, minutes=minutes, billable=billable
            )
    tickets = {
        name: Ticket.objects.get(pk=t.pk)
        for name, t in zip(
            ("T1", "T2", "T3", "T4", "T5", "T6"), (t1, t2, t3, t4, t5, t6), strict=True
        )
    }
    return Month(anna, bob, admin, alpha, beta, acme, globex, tickets, technical, billing)


@pytest.fixture
def asked_at() -> Any:
    """The reports are read on 1 April 2025 (presets like "last month" mean March)."""
    with time_machine.travel(ASKED_AT, tick=False):
        yield


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
