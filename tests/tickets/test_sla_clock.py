"""The SLA clock in business hours: targets, pauses, priority changes, durations, warnings.

The instance calendar is the default one: Monday to Friday 08:00-17:00 Europe/Berlin,
German public holidays. Normal priority: first response 8 business hours, resolution 27.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.accounts.factories import TeamFactory, UserFactory
from tests.smtp_sink import SmtpSink
from tests.tickets.factories import TicketFactory, priority, status
from ticketdesk.outbox.models import OutboundMail
from ticketdesk.outbox.sender import drain_outbox
from ticketdesk.tickets import services
from ticketdesk.tickets.models import StatusPeriod, Ticket
from ticketdesk.tickets.services.sla_warnings import send_sla_warnings

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def berlin(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


def at(moment: datetime.datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


def reloaded(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def test_targets_count_business_hours_from_the_opening() -> None:
    with at(berlin(30, 9)):  # Monday
        ticket = TicketFactory()
    assert ticket.target_first_response_at == berlin(30, 17)
    # 27 hours: Monday 8, Tuesday 9, Wednesday 9, then Thursday 08:00-09:00.
    assert ticket.target_resolution_at == berlin(3, 9, month=12)
    assert ticket.sla_due_at == ticket.target_first_response_at
    # At risk with a fifth of the 8 hours (96 minutes) left.
    assert ticket.sla_at_risk_at == berlin(30, 15, 24)


def test_a_ticket_opened_on_friday_evening_counts_from_monday() -> None:
    with at(berlin(27, 18)):  # Friday after closing
        ticket = TicketFactory()
    assert ticket.target_first_response_at == berlin(30, 16)


def test_a_german_public_holiday_does_not_count() -> None:
    # Thursday 24 December 17:00 ... Friday 25 and Saturday 26 are holidays, then Sunday.
    with at(berlin(24, 16, month=12)):
        ticket = TicketFactory()
    # One hour on the 24th, then Monday 28 December from 08:00 for the other seven.
    assert ticket.target_first_response_at == berlin(28, 15, month=12)


def test_a_pausing_status_stops_the_clock_and_moves_both_targets() -> None:
    agent = UserFactory()
    with at(berlin(30, 9)):
        ticket = TicketFactory(by=agent)
    with at(berlin(30, 10)):
        services.change_ticket(ticket, by=agent, status=status("Answer"))
    paused = reloaded(ticket)
    assert paused.sla_paused_at == berlin(30, 10)
    assert paused.sla_due_at is None
    assert paused.sla_at_risk_at is None
    with at(berlin(1, 10, month=12)):  # Tuesday: 7 hours on Monday + 2 on Tuesday paused
        services.change_ticket(paused, by=agent, status=status("In progress"))
    resumed = reloaded(ticket)
    assert resumed.sla_paused_at is None
    assert resumed.sla_paused_minutes == 9 * 60
    assert resumed.target_first_response_at == berlin(1, 17, month=12)
    assert resumed.target_resolution_at == berlin(4, 9, month=12)
    assert resumed.sla_due_at == resumed.target_first_response_at
    periods = list(StatusPeriod.objects.filter(ticket=ticket).order_by("started_at"))
    assert [(p.status.name_en, p.minutes) for p in periods] == [
        ("Open", 60),
        ("Answer", 24 * 60),
    ]
    assert resumed.status_since == berlin(1, 10, month=12)


def test_a_priority_change_moves_both_targets_in_one_event_and_one_mail() -> None:
    agent = UserFactory()
    with at(berlin(30, 9)):
        ticket = TicketFactory(by=agent)
    mails_before = OutboundMail.objects.count()
    with at(berlin(30, 10)):
        changeset = services.change_ticket(ticket, by=agent, priority=priority("High"))
    assert [e.field for e in changeset.events] == ["priority"]
    changed = reloaded(ticket)
    assert changed.target_first_response_at == berlin(30, 13)  # High: 4 hours
    assert changed.target_resolution_at == berlin(1, 9, month=12)  # High: 9 hours
    assert OutboundMail.objects.count() == mails_before + 1  # the change notice, nothing more


def test_first_response_and_resolution_durations_and_reopenings() -> None:
    agent = UserFactory()
    with at(berlin(27, 16)):  # Friday 16:00
        ticket = TicketFactory(by=agent)
    with at(berlin(30, 9)):  # Monday 09:00: 65 hours later, 2 business hours
        services.add_reply(ticket, by=agent, text="We are on it.")
        # The reply moved it to "Answer", which pauses; back to work at once.
        services.change_ticket(ticket, by=agent, status=status("In progress"))
    answered = reloaded(ticket)
    assert answered.first_response_minutes == 65 * 60
    assert answered.first_response_business_minutes == 2 * 60
    assert answered.first_response_breached is False
    assert answered.sla_due_at == answered.target_resolution_at
    with at(berlin(4, 12, month=12)):  # Friday next week: past the resolution target
        services.close_ticket(answered, by=agent)
    closed = reloaded(ticket)
    # Friday 1 hour, Monday to Thursday 9 hours each, Friday 08:00-12:00.
    assert closed.resolution_business_minutes == (1 + 4 * 9 + 4) * 60
    assert closed.resolution_minutes == (7 * 24 - 4) * 60
    assert closed.resolution_breached is True
    assert closed.sla_due_at is None
    with at(berlin(4, 13, month=12)):
        services.reopen_ticket(closed, by=agent)
    assert reloaded(ticket).reopen_count == 1


def test_warnings_go_to_the_assignee_once_each_then_the_breach(smtp_server: SmtpSink) -> None:
    agent = UserFactory(email="anna@support.example")
    with at(berlin(30, 9)):
        ticket = TicketFactory(by=agent)
        services.assign_ticket(ticket, agent=agent, by=agent)
    drain_outbox()
    smtp_server.messages.clear()
    with at(berlin(30, 15)):
        assert send_sla_warnings() == 0  # 2 hours left: not yet at risk
    with at(berlin(30, 15, 30)):
        assert send_sla_warnings() == 1
        assert send_sla_warnings() == 0
    with at(berlin(30, 17, 5)):
        assert send_sla_warnings() == 1
        assert send_sla_warnings() == 0
    drain_outbox()
    subjects = [m["Subject"] for m in smtp_server.messages]
    assert [m["To"] for m in smtp_server.messages] == [agent.email, agent.email]
    assert "at risk" in subjects[0]
    assert "missed" in subjects[1]
    assert "first response" in smtp_server.messages[0].get_body(("plain",)).get_content()


def test_without_an_assignee_the_team_is_warned_in_its_language(smtp_server: SmtpSink) -> None:
    team = TeamFactory(name="Network")
    anna = UserFactory(email="anna@support.example", language="de")
    ben = UserFactory(email="ben@support.example", language="en")
    team.members.add(anna, ben)
    with at(berlin(30, 9)):
        TicketFactory(by=anna, team=team)
    drain_outbox()
    smtp_server.messages.clear()
    with at(berlin(30, 18)):  # already missed: only the breach notice
        assert send_sla_warnings() == 1
    drain_outbox()
    by_address = {m["To"]: m["Subject"] for m in smtp_server.messages}
    assert set(by_address) == {anna.email, ben.email}
    assert "SLA verletzt" in by_address[anna.email]
    assert "SLA missed" in by_address[ben.email]
