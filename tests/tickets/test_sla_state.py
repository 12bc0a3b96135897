"""A ticket's SLA state, from the columns the SLA clock keeps, and the filter that matches it."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
import time_machine

from tests.tickets.factories import TicketFactory, priority, status
from ticketdesk.tickets import services
from ticketdesk.tickets.models import Ticket
from ticketdesk.tickets.sla_state import SlaState, sla_filter, sla_state

T0 = datetime.datetime(2026, 11, 30, 8, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


def ticket(**fields):
    values = {
        "closed_at": None,
        "first_response_breached": None,
        "resolution_breached": None,
        "sla_paused_at": None,
        "sla_due_at": T0 + 8 * HOUR,
        "sla_at_risk_at": T0 + 6 * HOUR,
    }
    return SimpleNamespace(**{**values, **fields})


def test_open_ticket_by_its_running_target() -> None:
    assert sla_state(ticket(), now=T0) == SlaState.ON_TRACK
    assert sla_state(ticket(), now=T0 + 6 * HOUR) == SlaState.AT_RISK
    assert sla_state(ticket(), now=T0 + 8 * HOUR) == SlaState.BREACHED


def test_no_target_has_no_state_and_a_pause_is_shown() -> None:
    assert sla_state(ticket(sla_due_at=None, sla_at_risk_at=None), now=T0) is None
    assert sla_state(ticket(sla_paused_at=T0, sla_due_at=None), now=T0) == SlaState.PAUSED


def test_closed_ticket_is_judged_by_the_targets_it_met() -> None:
    closed = {"closed_at": T0, "sla_due_at": None, "sla_at_risk_at": None}
    assert sla_state(ticket(**closed, resolution_breached=False), now=T0) == SlaState.ON_TRACK
    assert sla_state(ticket(**closed, first_response_breached=True), now=T0) == SlaState.BREACHED
    assert sla_state(ticket(**closed), now=T0) is None


@pytest.mark.django_db
def test_the_filter_finds_exactly_the_tickets_in_each_state() -> None:
    with time_machine.travel(T0, tick=False):  # Monday 09:00 in Berlin
        normal, urgent, waiting, closed = (TicketFactory() for _ in range(4))
        agent = normal.created_by
        services.change_ticket(urgent, by=agent, priority=priority("Urgent"))
        services.change_ticket(waiting, by=agent, status=status("Answer"))
        services.close_ticket(closed, by=agent)
    tickets = [Ticket.objects.get(pk=t.pk) for t in (normal, urgent, waiting, closed)]
    for hours in [0, 0.5, 1.5, 6.5, 9, 30]:
        now = T0 + hours * HOUR
        for state in SlaState:
            found = set(Ticket.objects.filter(sla_filter(state, now=now)))
            expected = {t for t in tickets if sla_state(t, now=now) == state}
            assert found == expected, (hours, state)
