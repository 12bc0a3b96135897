"""The bulk generator: consistent tickets, numbers that continue the sequence, the command."""

from __future__ import annotations

import io

import pytest
from django.core.management import ManagementUtility, call_command
from django.db.models import Count, F, Min

from tests.demo.clock_checks import check_clocks, clocked_tickets
from tests.tickets.factories import TicketFactory
from ticketdesk.customers.models import Customer
from ticketdesk.demo.generate import generate
from ticketdesk.tickets.models import (
    EventAction,
    Message,
    MessageKind,
    StatusPeriod,
    Ticket,
    TicketEvent,
    TicketSequence,
)
from ticketdesk.timekeeping.models import TimeSegment

pytestmark = pytest.mark.django_db


def test_generate_creates_consistent_tickets() -> None:
    result = generate(tickets=60, customers=6, batch=25)

    assert result.tickets == Ticket.objects.count() == 60
    assert Customer.objects.count() == 6
    assert sorted(Ticket.objects.values_list("number", flat=True)) == list(range(1, 61))
    assert TicketSequence.objects.get().last_number == 60
    assert result.messages == Message.objects.count()
    assert result.events == TicketEvent.objects.count()

    tickets = Ticket.objects.annotate(
        messages_count=Count("messages", distinct=True), first_at=Min("messages__created_at")
    )
    for ticket in tickets:
        assert 1 <= ticket.messages_count <= 10
        assert ticket.first_at == ticket.opened_at
        assert ticket.customer.contacts.filter(pk=ticket.requester_id).exists() or (
            ticket.unknown_contact
        )
        assert ticket.events.filter(action=EventAction.OPENED).count() == 1
        assert (ticket.closed_at is not None) == ticket.status.is_closed
    assert Message.objects.filter(kind=MessageKind.REPLY).exists()
    assert not TicketEvent.objects.filter(created_at__lt=F("ticket__opened_at")).exists()
    assert not Ticket.objects.filter(first_response_at__lt=F("opened_at")).exists()
    assert not Ticket.objects.filter(updated_at__lt=F("opened_at")).exists()
    # Every message belongs to a change-set that also wrote an event.
    event_sets = set(TicketEvent.objects.values_list("changeset", flat=True))
    assert set(Message.objects.values_list("changeset", flat=True)) <= event_sets
    assert Ticket.objects.filter(status__is_closed=True).count() > 30


def test_generated_tickets_carry_the_sla_clock_the_services_keep() -> None:
    # Five weeks: old enough for closed tickets, young enough for open and waiting ones.
    result = generate(tickets=150, customers=6, batch=40, years=0.1)

    assert result.status_periods == StatusPeriod.objects.count() > 0
    assert result.time_segments == TimeSegment.objects.count() > 0
    assert not TimeSegment.objects.filter(ticket__assignee__isnull=True).exists()
    seen = check_clocks(clocked_tickets())
    assert sum(seen[case] for case in ("closed", "paused", "running")) == 150
    for case in ["closed", "paused", "running", "answered", "unanswered", "paused before"]:
        assert seen[case] > 0, case
    assert seen["resolution breached"] > 0
    assert seen["resolved in time"] > 0


def test_generated_numbers_continue_the_ticket_sequence() -> None:
    TicketFactory()
    generate(tickets=10, customers=2)
    later = TicketFactory()

    assert sorted(Ticket.objects.values_list("number", flat=True)) == list(range(1, 13))
    assert later.number == 12


def test_generate_command_reports_what_it_wrote() -> None:
    out = io.StringIO()
    call_command("generate", tickets=5, customers=2, no_progress=True, stdout=out)

    assert "5 tickets" in out.getvalue()
    assert Ticket.objects.count() == 5


@pytest.mark.parametrize("command", ["generate", "load_demo"])
def test_command_help_shows_its_description(command, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["ticketdesk", command, "--help"]).execute()

    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert f"usage: ticketdesk {command}" in out
    assert "tickets" in out.split("options:")[0]
