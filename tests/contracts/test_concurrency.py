"""Two agents logging time at once on two tickets of one shared contract (PostgreSQL)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.contracts.factories import make_contract
from tests.customers.factories import CustomerFactory
from tests.threads import run_at_once
from tests.tickets.factories import TicketFactory
from ticketdesk.contracts.models import Movement, MovementKind
from ticketdesk.timekeeping import services as time

ROUNDS = 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_time_on_a_shared_contract_never_loses_a_debit() -> None:
    owner, sister = CustomerFactory(), CustomerFactory()
    contract = make_contract(owner, total_points=100, valid_from=datetime.date(2020, 1, 1))
    contract.shared_with.add(sister)
    agents = [UserFactory(), UserFactory()]
    tickets = [
        TicketFactory(customer=owner, by=agents[0]),
        TicketFactory(customer=sister, by=agents[1]),
    ]
    today = timezone.localdate()

    def log(index: int) -> None:
        for _round in range(ROUNDS):
            time.add_segment(
                tickets[index], by=agents[index], date=today, minutes=30, billable=True
            )

    run_at_once([lambda: log(0), lambda: log(1)])
    debits = Movement.objects.filter(contract=contract, kind=MovementKind.TIME)
    assert debits.count() == 2 * ROUNDS
    assert Movement.objects.filter(contract=contract).total() == 100 - 2 * ROUNDS * 2
