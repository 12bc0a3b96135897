"""The ledger: time consumes points, oldest valid contract first, shared contracts,
reversing movements, rounding per entry or per ticket; the balance is the sum."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.contracts.conftest import TODAY
from tests.contracts.factories import make_contract
from tests.customers.factories import CustomerFactory
from tests.tickets.factories import TicketFactory
from ticketdesk.contracts import errors
from ticketdesk.contracts.models import Contract, Movement, MovementKind, Rounding
from ticketdesk.contracts.services.config import save_points_settings
from ticketdesk.contracts.services.contracts import add_manual_movement, update_contract
from ticketdesk.timekeeping import services as time

pytestmark = pytest.mark.django_db


def balance(contract: Contract) -> int:
    return Movement.objects.filter(contract=contract).total()


def settings(**values) -> None:
    values = {
        "minutes_per_point": 15,
        "price_per_point": 0,
        "rounding": Rounding.PER_SEGMENT,
        "refuse_when_exhausted": False,
    } | values
    save_points_settings(**values)


def log(ticket, agent, minutes, *, billable=True, day=TODAY):
    return time.add_segment(ticket, by=agent, date=day, minutes=minutes, billable=billable)


def test_billable_time_consumes_points_rounded_up_per_entry(customer, ticket, agent) -> None:
    contract = make_contract(customer, total_points=10)
    log(ticket, agent, 16)  # 2 points
    log(ticket, agent, 15)  # 1 point
    log(ticket, agent, 60, billable=False)
    assert balance(contract) == 7
    kinds = list(Movement.objects.filter(contract=contract).values_list("kind", "points"))
    assert kinds == [("opening", 10), ("time", -2), ("time", -1)]


def test_rounding_per_ticket_rounds_the_tickets_sum_once(customer, ticket, agent) -> None:
    settings(rounding=Rounding.PER_TICKET)
    contract = make_contract(customer, total_points=10)
    log(ticket, agent, 10)
    log(ticket, agent, 10)
    log(ticket, agent, 10)
    assert balance(contract) == 8  # 30 minutes: 2 points, not 3
    assert -Movement.objects.of_time().filter(ticket=ticket).total() == 2


def test_correcting_an_entry_reverses_it_exactly(customer, ticket, agent) -> None:
    contract = make_contract(customer, total_points=10)
    segment = log(ticket, agent, 30)
    time.change_segment(segment, by=agent, date=TODAY, minutes=50, comment="", billable=True)
    rows = list(
        Movement.objects.filter(contract=contract, segment_id=segment.pk).values_list(
            "kind", "points"
        )
    )
    assert rows == [("time", -2), ("reversal", 2), ("time", -4)]
    assert balance(contract) == 6


def test_a_comment_change_writes_no_movement(customer, ticket, agent) -> None:
    contract = make_contract(customer)
    segment = log(ticket, agent, 30)
    time.change_segment(segment, by=agent, date=TODAY, minutes=30, comment="x", billable=True)
    assert Movement.objects.filter(contract=contract).count() == 2


def test_deleting_or_unbilling_an_entry_gives_the_points_back(customer, ticket, agent) -> None:
    contract = make_contract(customer, total_points=10)
    first = log(ticket, agent, 30)
    second = log(ticket, agent, 45)
    assert balance(contract) == 5
    time.delete_segment(first, by=agent)
    assert balance(contract) == 7
    time.change_segment(second, by=agent, date=TODAY, minutes=45, comment="", billable=False)
    assert balance(contract) == 10
    reversals = Movement.objects.filter(kind=MovementKind.REVERSAL).values_list("points", flat=True)
    assert sorted(reversals) == [2, 3]


def test_oldest_valid_contract_is_consumed_first_then_the_next(customer, ticket, agent) -> None:
    newer = make_contract(customer, name="2026", total_points=10, valid_from=TODAY)
    older = make_contract(
        customer, name="2025", total_points=3, valid_from=datetime.date(2025, 1, 1)
    )
    expired = make_contract(
        customer,
        name="old",
        total_points=50,
        valid_from=datetime.date(2024, 1, 1),
        valid_to=datetime.date(2024, 12, 31),
    )
    log(ticket, agent, 75)  # 5 points: 3 from the older, 2 from the newer
    assert (balance(older), balance(newer), balance(expired)) == (0, 8, 50)


def test_what_no_contract_covers_goes_below_zero_on_the_newest(customer, ticket, agent) -> None:
    older = make_contract(customer, total_points=1, valid_from=datetime.date(2025, 1, 1))
    newer = make_contract(customer, total_points=1, valid_from=TODAY)
    log(ticket, agent, 60)
    assert (balance(older), balance(newer)) == (0, -2)


def test_a_shared_contract_is_consumed_by_the_group_company(customer, agent) -> None:
    sister = CustomerFactory(name="Acme Services")
    contract = make_contract(customer, total_points=10, shared_with=[sister])
    ticket = TicketFactory(customer=sister, by=agent)
    log(ticket, agent, 30)
    movement = Movement.objects.get(kind=MovementKind.TIME)
    assert (movement.contract, movement.customer) == (contract, sister)
    assert balance(contract) == 8


def test_time_of_a_customer_without_contract_costs_nothing(customer, ticket, agent) -> None:
    log(ticket, agent, 30)
    assert not Movement.objects.exists()


def test_time_outside_the_validity_is_not_charged(customer, ticket, agent) -> None:
    contract = make_contract(customer, valid_from=TODAY)
    log(ticket, agent, 30, day=TODAY - datetime.timedelta(days=1))
    assert balance(contract) == 10


def test_the_timer_consumes_points_too(customer, ticket, agent, time_machine) -> None:
    contract = make_contract(customer, total_points=10)
    time.record_heartbeat(ticket, agent=agent)
    time_machine.shift(datetime.timedelta(minutes=1))
    time.record_heartbeat(ticket, agent=agent)
    time.stop_timer(ticket, agent=agent)
    assert balance(contract) == 9


def test_manual_credit_and_debit_with_reason(customer, admin) -> None:
    contract = make_contract(customer, total_points=10)
    add_manual_movement(contract, by=admin, kind="credit", points=5, reason="Top-up")
    add_manual_movement(contract, by=admin, kind="debit", points=2, reason="Phone support")
    assert balance(contract) == 13


@pytest.mark.parametrize(
    ("points", "reason", "field", "message"),
    [
        (0, "Top-up", "points", errors.POINTS_NOT_POSITIVE),
        (-3, "Top-up", "points", errors.POINTS_NOT_POSITIVE),
        (3, "  ", "reason", errors.REASON_REQUIRED),
    ],
)
def test_bad_manual_movements_are_refused(customer, admin, points, reason, field, message) -> None:
    contract = make_contract(customer)
    with pytest.raises(ValidationError) as refused:
        add_manual_movement(contract, by=admin, kind="debit", points=points, reason=reason)
    assert refused.value.message_dict[field] == [str(message)]
    assert balance(contract) == 10


def test_a_changed_total_is_booked_as_adjustment(customer, admin) -> None:
    contract = make_contract(customer, total_points=10)
    update_contract(
        contract,
        by=admin,
        name="Support",
        total_points=25,
        alert_threshold=0,
        signed_on=None,
        valid_from=contract.valid_from,
        valid_to=None,
        is_active=True,
        shared_with=[],
    )
    assert list(Movement.objects.values_list("kind", "points")) == [
        ("opening", 10),
        ("adjustment", 15),
    ]
    assert balance(contract) == 25


def test_balance_is_the_sum_after_every_operation(customer, ticket, agent, admin) -> None:
    contract = make_contract(customer, total_points=20)
    steps = [
        lambda: log(ticket, agent, 20),
        lambda: add_manual_movement(contract, by=admin, kind="credit", points=4, reason="r"),
        lambda: time.delete_segment(ticket.time_segments.first(), by=agent),
        lambda: log(ticket, agent, 100),
    ]
    expected = [18, 22, 24, 17]
    for step, value in zip(steps, expected, strict=True):
        step()
        assert balance(contract) == value
        assert (
            sum(Movement.objects.filter(contract=contract).values_list("points", flat=True))
            == value
        )


def test_rounding_per_ticket_reverses_exactly_on_delete(customer, ticket, agent) -> None:
    settings(rounding=Rounding.PER_TICKET)
    contract = make_contract(customer, total_points=10)
    first = log(ticket, agent, 20)
    log(ticket, agent, 20)  # 40 minutes: 3 points
    assert balance(contract) == 7
    time.delete_segment(first, by=agent)  # 20 minutes: 2 points
    assert balance(contract) == 8
    assert Movement.objects.filter(kind=MovementKind.REVERSAL).exists()
