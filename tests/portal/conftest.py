"""A portal with two customers: A (a portal admin and a plain contact) and B (one contact)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory
from tests.customers.factories import ContactFactory, CustomerFactory
from tests.tickets.factories import TicketFactory
from ticketdesk.accounts.models import User
from ticketdesk.customers.models import Contact, Customer
from ticketdesk.portal.services import save_portal_settings
from ticketdesk.tickets import services
from ticketdesk.tickets.models import Ticket

PASSWORD = "portal-password-42"


def portal_contact(customers: list[Customer], *, admin: bool = False, **fields: object) -> Contact:
    """A contact with portal access and a login whose password is PASSWORD."""
    contact = ContactFactory(customers=customers, portal_access=True, portal_admin=admin, **fields)
    contact.user = UserFactory(customer=True, email=contact.email, password=PASSWORD)
    contact.save(update_fields=["user"])
    return contact


def signed_in_client(contact: Contact | None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if contact is not None:
        client.force_login(contact.user)
    return client


@dataclass
class Portal:
    customer_a: Customer
    customer_b: Customer
    admin_a: Contact  # portal admin of A
    plain_a: Contact  # plain contact of A, not on `ticket`
    contact_b: Contact  # contact of B
    agent: User
    ticket: Ticket  # A's ticket, requested by a third contact of A


@pytest.fixture
def portal_on(db: None) -> None:
    save_portal_settings(
        is_enabled=True, instance_name="Acme Support", welcome_de="Willkommen!", welcome_en="Hi!"
    )


@pytest.fixture
def portal(portal_on: None) -> Portal:
    customer_a, customer_b = CustomerFactory(name="Alpha GmbH"), CustomerFactory(name="Beta AG")
    agent = UserFactory(full_name="Tom Agent", email="tom.agent@support.example")
    ticket = TicketFactory(customer=customer_a, by=agent, subject="Printer jammed")
    services.assign_ticket(ticket, agent=agent, by=agent)
    services.add_reply(
        ticket,
        by=agent,
        text="Please restart it.",
        attachments=[services.AttachmentInput(name="howto.txt", content=b"Step 1\n")],
    )
    services.add_note(
        ticket,
        by=agent,
        text="Internal: the customer's contract ran out.",
        attachments=[services.AttachmentInput(name="internal.txt", content=b"secret\n")],
    )
    return Portal(
        customer_a=customer_a,
        customer_b=customer_b,
        admin_a=portal_contact([customer_a], admin=True),
        plain_a=portal_contact([customer_a]),
        contact_b=portal_contact([customer_b]),
        agent=agent,
        ticket=ticket,
    )
