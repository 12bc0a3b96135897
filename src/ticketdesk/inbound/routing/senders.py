"""Who wrote: the sender's contact and customer, the unknown-senders customer, throttling."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext

from ticketdesk.accounts.models import User
from ticketdesk.customers.models import Contact, Customer
from ticketdesk.tickets.models import Message, Source, Ticket


def find_contact(address: str) -> Contact | None:
    """The active contact with this e-mail address (case-insensitive), oldest first."""
    if not address.strip():
        return None
    return Contact.objects.active().by_email(address).order_by("pk").first()


def agent_of(address: str) -> User | None:
    """The active agent or administrator writing from this address, if any."""
    if not address.strip():
        return None
    user = User.objects.filter(email__iexact=address.strip(), is_active=True).first()
    return user if user is not None and user.is_agent else None


def customer_of(contact: Contact) -> Customer | None:
    """The contact's customer; with several, the one of their most recent ticket, else the first."""
    latest = Max("tickets__opened_at", filter=Q(tickets__requester=contact))
    return (
        contact.customers.annotate(latest=latest)
        .order_by(F("latest").desc(nulls_last=True), "pk")
        .first()
    )


def unknown_senders_customer() -> Customer:
    """The customer record that collects tickets of unknown senders (created on demand)."""
    customer, _created = Customer.objects.get_or_create(
        number=settings.INBOUND_UNKNOWN_CUSTOMER_NUMBER,
        defaults={"name": gettext("Unknown senders")},
    )
    return customer


def is_throttled(address: str) -> bool:
    """The sender already opened INBOUND_THROTTLE_TICKETS tickets by mail in the window."""
    limit = settings.INBOUND_THROTTLE_TICKETS
    if limit <= 0 or not address.strip():
        return False
    since = timezone.now() - timedelta(minutes=settings.INBOUND_THROTTLE_MINUTES)
    recent = Ticket.objects.filter(
        source=Source.EMAIL, opened_at__gte=since, requester_email__iexact=address.strip()
    )
    return recent[:limit].count() >= limit


def is_looping(ticket: Ticket, address: str) -> bool:
    """The sender wrote INBOUND_LOOP_MESSAGES to this ticket within INBOUND_LOOP_MINUTES."""
    limit = settings.INBOUND_LOOP_MESSAGES
    minutes = settings.INBOUND_LOOP_MINUTES
    if not address.strip():
        return False
    since = timezone.now() - timedelta(minutes=minutes)
    recent = Message.objects.filter(
        ticket=ticket, author_email__iexact=address.strip(), created_at__gte=since
    )
    return recent[:limit].count() >= limit
