"""Filling reply-template placeholders: a fixed list, substituted, never evaluated."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .placeholders import substitute

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User
    from ticketdesk.tickets.models import Ticket


def placeholder_values(ticket: Ticket, agent: User) -> dict[str, str]:
    """The five placeholders a reply template may use."""
    requester = ticket.requester
    return {
        "customer_name": ticket.customer.name,
        "contact_name": requester.name if requester else ticket.requester_email,
        "ticket_number": ticket.reference,
        "ticket_subject": ticket.subject,
        "agent_name": agent.get_full_name(),
    }


def fill_placeholders(text: str, ticket: Ticket, agent: User) -> str:
    """Replace the known `{name}` placeholders; everything else (`{{ ... }}`, `{% %}`) stays."""
    return substitute(text, placeholder_values(ticket, agent))
