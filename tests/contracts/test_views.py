"""Contracts over HTTP: managed from the customer page by administrators, read by agents;
bad input refused with a message; the ticket's points panel; the ledger CSV; settings."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from tests.contracts.conftest import TODAY
from tests.contracts.factories import make_contract
from tests.customers.factories import CustomerFactory
from ticketdesk.contracts import errors
from ticketdesk.contracts.models import Contract, Movement, PointsSettings, Rounding
from ticketdesk.contracts.services.config import points_settings, save_points_settings
from ticketdesk.timekeeping import services as time

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def contract_data(**values) -> dict[str, str]:
    return {
        "name": "Support 2026",
        "total_points": "40",
        "alert_threshold": "5",
        "signed_on": "2026-05-20",
        "valid_from": "2026-06-01",
        "valid_to": "",
        "is_active": "on",
        "shared_with": "",
    } | values


def test_admin_creates_a_contract_from_the_customer_page(customer, admin) -> None:
    sister = CustomerFactory(number="K77777", name="Acme Services")
    client = client_for(admin)
    page = client.get(customer.get_absolute_url()).content.decode()
    create_url = reverse("contracts:create", args=[customer.pk])
    assert create_url in page
    response = client.post(create_url, contract_data(shared_with="K77777"))
    contract = Contract.objects.get()
    assert response.status_code == 302
    assert response["Location"] == contract.get_absolute_url()
    assert list(contract.shared_with.all()) == [sister]
    assert Movement.objects.filter(contract=contract).total() == 40
    shared_page = client.get(sister.get_absolute_url()).content.decode()
    assert "Support 2026" in shared_page
    assert "shared by Acme GmbH" in shared_page


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"total_points": "-5"}, "total_points", errors.POINTS_NEGATIVE),
        ({"alert_threshold": "-1"}, "alert_threshold", errors.THRESHOLD_NEGATIVE),
        ({"valid_to": "2026-05-01"}, "valid_to", errors.VALID_TO_BEFORE_FROM),
        ({"total_points": "many"}, "total_points", "Enter a whole number."),
        ({"valid_from": "99999-01-01"}, "valid_from", "Enter a valid date."),
        ({"shared_with": "K-NOPE"}, "shared_with", "No customer has the number K-NOPE."),
        ({"name": "\x00"}, "name", "Null characters are not allowed."),
    ],
)
def test_bad_contract_input_is_refused_and_nothing_saved(
    customer, admin, values, field, message
) -> None:
    response = client_for(admin).post(
        reverse("contracts:create", args=[customer.pk]), contract_data(**values)
    )
    assert response.status_code == 200
    assert str(message) in response.context["form"].errors[field]
    assert not Contract.objects.exists()
    assert not Movement.objects.exists()


def test_a_contract_cannot_be_shared_with_its_owner(customer, admin) -> None:
    response = client_for(admin).post(
        reverse("contracts:create", args=[customer.pk]), contract_data(shared_with=customer.number)
    )
    assert response.context["form"].errors["shared_with"] == [str(errors.SHARED_WITH_OWNER)]
    assert not Contract.objects.exists()


def test_admin_edits_a_contract_and_the_total_becomes_an_adjustment(customer, admin) -> None:
    contract = make_contract(customer, by=admin, total_points=10)
    response = client_for(admin).post(
        reverse("contracts:edit", args=[customer.pk, contract.pk]),
        contract_data(total_points="15", valid_from="2026-01-01"),
    )
    assert response.status_code == 302
    assert Movement.objects.filter(contract=contract).total() == 15


def test_another_customers_contract_id_is_not_found(customer, admin) -> None:
    other = CustomerFactory()
    contract = make_contract(other, by=admin)
    client = client_for(admin)
    for name in ("detail", "edit", "ledger_csv"):
        assert (
            client.get(reverse(f"contracts:{name}", args=[customer.pk, contract.pk])).status_code
            == 404
        )
    response = client.post(
        reverse("contracts:movement_add", args=[customer.pk, contract.pk]),
        {"kind": "debit", "points": "3", "reason": "x"},
    )
    assert response.status_code == 404
    assert Movement.objects.filter(contract=contract).total() == 10


def test_admin_books_credit_and_debit_and_a_debit_without_reason_is_refused(
    customer, admin
) -> None:
    contract = make_contract(customer, by=admin, total_points=10)
    client = client_for(admin)
    url = reverse("contracts:movement_add", args=[customer.pk, contract.pk])
    assert (
        client.post(url, {"kind": "credit", "points": "5", "reason": "Top-up"}).status_code == 302
    )
    refused = client.post(url, {"kind": "debit", "points": "2", "reason": ""})
    assert refused.status_code == 400
    assert str(errors.REASON_REQUIRED) in refused.content.decode()
    negative = client.post(url, {"kind": "debit", "points": "-2", "reason": "x"})
    assert str(errors.POINTS_NOT_POSITIVE) in negative.content.decode()
    assert Movement.objects.filter(contract=contract).total() == 15


def test_agents_read_contracts_but_cannot_manage_them(customer, agent, read_only, admin) -> None:
    contract = make_contract(customer, by=admin)
    for user in (agent, read_only):
        client = client_for(user)
        page = client.get(customer.get_absolute_url()).content.decode()
        assert "Support" in page
        assert reverse("contracts:create", args=[customer.pk]) not in page
        assert client.get(contract.get_absolute_url()).status_code == 200
        assert client.get(reverse("contracts:create", args=[customer.pk])).status_code == 403
        response = client.post(
            reverse("contracts:movement_add", args=[customer.pk, contract.pk]),
            {"kind": "credit", "points": "5", "reason": "x"},
        )
        assert response.status_code == 403
    assert Movement.objects.filter(contract=contract).total() == 10


def test_ledger_csv_has_every_movement_and_the_running_balance(
    customer, ticket, agent, admin
) -> None:
    contract = make_contract(customer, by=admin, total_points=10)
    time.add_segment(ticket, by=agent, date=TODAY, minutes=30, billable=True)
    response = client_for(agent).get(
        reverse("contracts:ledger_csv", args=[customer.pk, contract.pk])
    )
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("\ufeffWritten,Booked,Kind,Points,Balance")
    assert [line.split(",")[2:5] for line in lines[1:]] == [
        ["contract points", "10", "10"],
        ["time logged", "-2", "8"],
    ]


def test_ticket_page_shows_the_balance_and_warns_when_exhausted(
    customer, ticket, agent, admin
) -> None:
    make_contract(customer, by=admin, total_points=2)
    client = client_for(agent)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert 'data-points-balance="2"' in page
    assert "exhausted" not in page
    time.add_segment(ticket, by=agent, date=TODAY, minutes=30, billable=True)
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert 'data-points-balance="0"' in page
    assert "The support contract is exhausted" in page


def test_exhausted_contract_refuses_billable_time_when_configured(
    customer, ticket, agent, admin
) -> None:
    save_points_settings(
        minutes_per_point=15,
        price_per_point=0,
        rounding=Rounding.PER_SEGMENT,
        refuse_when_exhausted=True,
    )
    make_contract(customer, by=admin, total_points=1)
    client = client_for(agent)
    url = reverse("timekeeping:add", args=[ticket.number])
    data = {"time-date": TODAY.isoformat(), "time-minutes": "15", "time-billable": "on"}
    assert client.post(url, data).status_code == 302  # the last point
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert escape(str(errors.CONTRACT_EXHAUSTED)) in refused.content.decode()
    assert ticket.time_segments.count() == 1
    not_billable = {"time-date": TODAY.isoformat(), "time-minutes": "15"}
    assert client.post(url, not_billable).status_code == 302
    assert ticket.time_segments.count() == 2


def test_refused_timer_time_is_logged_as_not_billable(
    customer, ticket, agent, admin, time_machine
) -> None:
    save_points_settings(
        minutes_per_point=15,
        price_per_point=0,
        rounding=Rounding.PER_SEGMENT,
        refuse_when_exhausted=True,
    )
    contract = make_contract(customer, by=admin, total_points=0)
    time.record_heartbeat(ticket, agent=agent)
    time_machine.shift(datetime.timedelta(minutes=2))
    segment = time.stop_timer(ticket, agent=agent).ended
    assert segment is not None
    assert not segment.billable
    assert Movement.objects.filter(contract=contract).total() == 0


def test_points_panel_refreshes_over_htmx(customer, ticket, agent, admin) -> None:
    make_contract(customer, by=admin, total_points=5)
    client = client_for(agent)
    url = reverse("ticket_points:panel", args=[ticket.number])
    assert client.get(url).status_code == 302
    html = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith('<section id="ticket-points"')
    added = client.post(
        reverse("timekeeping:add", args=[ticket.number]),
        {"time-date": TODAY.isoformat(), "time-minutes": "15", "time-billable": "on"},
        headers={"HX-Request": "true"},
    )
    assert added["HX-Trigger"] == "time-changed"


def test_points_settings_page(admin, agent) -> None:
    client = client_for(admin)
    url = reverse("points:settings")
    assert client.get(url).status_code == 200
    bad = client.post(
        url, {"minutes_per_point": "0", "price_per_point": "1.234", "rounding": "ticket"}
    )
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) == {"minutes_per_point", "price_per_point"}
    assert not PointsSettings.objects.exists()
    good = client.post(
        url,
        {
            "minutes_per_point": "10",
            "price_per_point": "12.50",
            "rounding": "ticket",
            "refuse_when_exhausted": "on",
        },
    )
    assert good.status_code == 302
    saved = points_settings()
    assert (saved.minutes_per_point, str(saved.price_per_point), saved.rounding) == (
        10,
        "12.50",
        "ticket",
    )
    assert saved.refuse_when_exhausted
    assert client_for(agent).get(url).status_code == 403
