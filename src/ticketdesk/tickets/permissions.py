"""Who may see and work which tickets (pure checks, no writes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ticketdesk.tickets.models import Ticket
from ticketdesk.tickets.models.ticket import TicketQuerySet

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User


def is_staff_user(user: User) -> bool:
    """Agents, administrators and read-only users see the agent workspace."""
    return bool(user.is_authenticated and user.is_staff_member)


def can_work_tickets(user: User) -> bool:
    return bool(user.is_authenticated and user.is_agent)


def visible_tickets(user: User) -> TicketQuerySet:
    if is_staff_user(user):
        return Ticket.objects.all()
    return Ticket.objects.none()


def can_view_ticket(user: User, ticket: Ticket) -> bool:
    return visible_tickets(user).filter(pk=ticket.pk).exists()
