"""Two agents accept the same ticket at the same moment on PostgreSQL: one wins."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tests.accounts.factories import UserFactory
from tests.tickets.factories import TicketFactory
from ticketdesk.tickets import services
from ticketdesk.tickets.models import Ticket


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_agents_accepting_at_once_exactly_one_wins() -> None:
    ticket = TicketFactory()
    agents = [UserFactory(full_name="Agent One"), UserFactory(full_name="Agent Two")]
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def accept(agent: object) -> None:
        try:
            copy = Ticket.objects.get(pk=ticket.pk)
            barrier.wait()
            services.accept_ticket(copy, by=agent)
            outcomes[str(agent)] = "won"
        except ValidationError as error:
            outcomes[str(agent)] = error.messages[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(agent,)) for agent in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()).count("won") == 1
    winner = next(name for name, result in outcomes.items() if result == "won")
    loser_message = next(result for result in outcomes.values() if result != "won")
    assert winner in loser_message
    ticket.refresh_from_db()
    assert str(ticket.assignee) == winner
