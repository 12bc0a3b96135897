"""Two agents accept the same ticket at the same moment on PostgreSQL: one wins."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.accounts.factories import UserFactory
from tests.threads import run_at_once
from tests.tickets.factories import TicketFactory
from ticketdesk.accounts.models import User
from ticketdesk.tickets import services
from ticketdesk.tickets.models import Ticket


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_agents_accepting_at_once_exactly_one_wins() -> None:
    ticket = TicketFactory()
    agents = [UserFactory(full_name="Agent One"), UserFactory(full_name="Agent Two")]

    def accept(agent: User) -> str:
        copy = Ticket.objects.get(pk=ticket.pk)
        try:
            services.accept_ticket(copy, by=agent)
        except ValidationError as error:
            return error.messages[0]
        return "won"

    outcomes = dict(
        zip(
            [str(agent) for agent in agents],
            run_at_once([lambda agent=agent: accept(agent) for agent in agents]),
            strict=True,
        )
    )
    assert sorted(outcomes.values()).count("won") == 1
    winner = next(name for name, result in outcomes.items() if result == "won")
    loser_message = next(result for result in outcomes.values() if result != "won")
    assert winner in loser_message
    ticket.refresh_from_db()
    assert str(ticket.assignee) == winner
