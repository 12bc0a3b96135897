"""Who may use the portal and which tickets a contact sees there (pure checks, no writes).

The rule (DESIGN §1.1): a portal admin contact sees every ticket of their customers; a
plain contact sees the tickets of their customers they requested or are copied on. Every
portal page, form and download reads tickets through `visible_tickets`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from ticketdesk.accounts.models import Role
from ticketdesk.customers.models import Contact, Customer
from ticketdesk.tickets.models import Attachment, MessageKind, Ticket, TicketCC
from ticketdesk.tickets.models.ticket import TicketQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from ticketdesk.accounts.models import User


def is_customer_login(user: User | AnonymousUser) -> bool:
    """A signed-in user who is not staff: a portal login, never shown agent pages."""
    return bool(user.is_authenticated and not user.is_staff_member)


def portal_contact(user: User | AnonymousUser) -> Contact | None:
    """The active contact with portal access this login belongs to, if any."""
    if not user.is_authenticated or not user.is_active or user.role != Role.CUSTOMER:
        return None
    return Contact.objects.filter(user=user, is_active=True, portal_access=True).first()


def portal_customers(contact: Contact) -> QuerySet[Customer]:
    return contact.customers.order_by("name", "pk")


def visible_tickets(contact: Contact) -> TicketQuerySet:
    tickets = Ticket.objects.filter(customer__in=contact.customers.values("pk"))
    if contact.portal_admin:
        return tickets
    mine = Q(requester=contact)
    if contact.email:
        copied = TicketCC.objects.filter(email__iexact=contact.email).values("ticket")
        mine |= Q(pk__in=copied)
    return tickets.filter(mine)


def can_view_ticket(contact: Contact, ticket: Ticket) -> bool:
    return visible_tickets(contact).filter(pk=ticket.pk).exists()


def public_attachments(ticket: Ticket) -> QuerySet[Attachment]:
    """Files of the ticket's public messages: never those of internal notes or auto-replies."""
    return ticket.attachments.filter(message__isnull=False, message__is_automatic=False).exclude(
        message__kind=MessageKind.NOTE
    )
