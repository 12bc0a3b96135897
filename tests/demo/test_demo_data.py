"""The demo data set: loaded once, logins work, 90 days of consistent history."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from tests.demo.clock_checks import check_clocks, clocked_tickets
from tests.signin import sign_in
from ticketdesk.accounts.models import Role, Team, User
from ticketdesk.core.demo import load_demo_data
from ticketdesk.customers.models import Contact, Customer, SupportNote
from ticketdesk.outbox.models import OutboundMail
from ticketdesk.sla.services import instance_calendar
from ticketdesk.tickets.models import (
    Message,
    MessageKind,
    Priority,
    Status,
    StatusPeriod,
    Ticket,
    TicketEvent,
    TicketTemplate,
)

pytestmark = pytest.mark.django_db

MODELS = [User, Team, Customer, Contact, SupportNote, Ticket, Message, TicketEvent, TicketTemplate]


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker) -> Iterator[tuple[datetime.datetime, str]]:
    """Load the set once for the module (it takes seconds), roll it back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        started = timezone.now()
        out = io.StringIO()
        # Module fixtures run before the suite's English override; the summary is English here.
        with translation.override("en"):
            assert load_demo_data(out) is True
        yield started, out.getvalue()
        transaction.set_rollback(True)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_demo_data_loads_once_and_its_logins_work(demo, client) -> None:
    assert "200 tickets" in demo[1]
    loaded = counts()

    assert load_demo_data(io.StringIO()) is False
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == loaded

    for email, password in [
        ("admin@example.com", "admin"),
        ("agent@example.com", "agent"),
        ("customer@example.com", "customer"),
    ]:
        assert sign_in(client, email, password), email
        client.logout()


def test_demo_data_has_the_promised_shape(demo) -> None:
    agents = User.objects.filter(role=Role.AGENT)
    assert agents.count() == 3
    assert agents.filter(is_support_team=False).count() == 1
    assert User.objects.get(email="admin@example.com").is_superuser
    assert Team.objects.count() == 2
    assert 25 <= Customer.objects.count() <= 35
    portal = Contact.objects.get(email="customer@example.com")
    assert portal.user.role == Role.CUSTOMER
    assert portal.customers.count() == 2
    assert SupportNote.objects.exists()
    assert 2 <= TicketTemplate.objects.count() <= 3

    assert Ticket.objects.count() == 200
    assert set(Ticket.objects.values_list("status", flat=True)) == set(
        Status.objects.values_list("pk", flat=True)
    )
    assert set(Ticket.objects.values_list("priority", flat=True)) == set(
        Priority.objects.values_list("pk", flat=True)
    )
    for kind in MessageKind.values:
        assert Message.objects.filter(kind=kind).exists(), kind
    assert Ticket.objects.filter(assignee__isnull=True).exists()
    # Demo history is mail that was never sent.
    assert not OutboundMail.objects.exists()


def test_demo_history_spans_ninety_days_in_order(demo) -> None:
    now = demo[0]
    oldest = Ticket.objects.order_by("opened_at").first()
    assert now - oldest.opened_at > datetime.timedelta(days=75)
    assert not Ticket.objects.filter(opened_at__gt=now).exists()
    assert oldest.number == 1  # numbers follow the opening dates
    newest = Ticket.objects.order_by("-opened_at").first()
    assert newest.number == 200
    assert not TicketEvent.objects.filter(created_at__lt=F("ticket__opened_at")).exists()
    assert not TicketEvent.objects.filter(created_at__gt=now).exists()
    assert not Message.objects.filter(created_at__lt=F("ticket__opened_at")).exists()
    assert not Ticket.objects.filter(first_response_at__lt=F("opened_at")).exists()
    assert not Ticket.objects.filter(closed_at__lt=F("opened_at")).exists()
    assert not Ticket.objects.filter(status__is_closed=True, closed_at__isnull=True).exists()
    assert not StatusPeriod.objects.filter(started_at__lt=F("ticket__opened_at")).exists()
    assert not StatusPeriod.objects.filter(ended_at__gt=now).exists()
    # Targets count business time from the intended opening, not the real one.
    ticket = Ticket.objects.exclude(target_resolution_at=None).first()
    minutes = ticket.priority.resolution_minutes + ticket.sla_paused_minutes
    calendar = instance_calendar()
    assert ticket.target_resolution_at == calendar.add_business_minutes(ticket.opened_at, minutes)


def test_demo_tickets_carry_the_sla_clock_the_services_keep(demo) -> None:
    seen = check_clocks(clocked_tickets())

    assert sum(seen[case] for case in ("closed", "paused", "running")) == 200
    for case in ["closed", "paused", "running", "answered", "unanswered", "paused before"]:
        assert seen[case] > 0, case
    assert seen["resolution breached"] > 0
    assert seen["resolved in time"] > 0
    assert seen["reopened"] > 0
