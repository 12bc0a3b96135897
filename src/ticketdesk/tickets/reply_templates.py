"""Filling reply-template placeholders: a fixed list, substituted, never evaluated."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User
    from ticketdesk.tickets.models import Ticket

PLACEHOLDERS = ("customer_name", "contact_name", "ticket_number", "ticket_subject", "agent_name")

# One pass over the text: a value that itself contains "{agent_name}" stays literal.
_PLACEHOLDER_RE = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


def placeholder_values(ticket: Ticket, agent: User) -> dict[str, str]:
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
    values = placeholder_values(ticket, agent)
    return _PLACEHOLDER_RE.sub(lambda match: values[match.group(1)], text)
