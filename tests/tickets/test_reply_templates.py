"""Reply-template placeholders: the fixed list is filled, nothing is evaluated."""

from __future__ import annotations

import pytest

from tests.accounts.factories import UserFactory
from tests.customers.factories import ContactFactory, CustomerFactory
from tests.tickets.factories import TicketFactory
from ticketdesk.tickets.reply_templates import fill_placeholders

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket():
    customer = CustomerFactory(name="Acme GmbH")
    contact = ContactFactory(name="Eva Meier", customers=[customer])
    return TicketFactory(customer=customer, requester=contact, subject="VPN down")


def test_all_placeholders_are_filled(ticket) -> None:
    agent = UserFactory(full_name="Tom Agent")
    text = "{customer_name}|{contact_name}|{ticket_number}|{ticket_subject}|{agent_name}"
    assert fill_placeholders(text, ticket, agent) == (
        f"Acme GmbH|Eva Meier|{ticket.reference}|VPN down|Tom Agent"
    )


def test_template_syntax_stays_literal(ticket) -> None:
    agent = UserFactory(full_name="Tom Agent")
    text = "{{ settings.SECRET_KEY }} {% debug %} {ticket.customer} {unknown} {agent_name}"
    assert fill_placeholders(text, ticket, agent) == (
        "{{ settings.SECRET_KEY }} {% debug %} {ticket.customer} {unknown} Tom Agent"
    )


def test_values_containing_placeholders_are_not_filled_again(ticket) -> None:
    ticket.subject = "{agent_name} {{ settings.SECRET_KEY }}"
    agent = UserFactory(full_name="Tom Agent")
    assert fill_placeholders("Re: {ticket_subject}", ticket, agent) == (
        "Re: {agent_name} {{ settings.SECRET_KEY }}"
    )


def test_unknown_requester_uses_the_sender_address() -> None:
    ticket = TicketFactory(requester=None, requester_email="someone@example.org")
    assert fill_placeholders("Hi {contact_name}", ticket, UserFactory()) == (
        "Hi someone@example.org"
    )
