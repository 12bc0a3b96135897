"""Delivery failures: marking a ticket's addresses that mail could not reach."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ticketdesk.tickets.models import Ticket, TicketCC


@transaction.atomic
def record_bounce(ticket: Ticket, *, email: str, reason: str = "") -> bool:
    """Mark `email` as undeliverable on the ticket: a copied address or the requester.

    Writes TicketCC.bounced_at/bounce_reason (bounced copied addresses get no more
    updates) or Ticket.requester_bounced_at/requester_bounce_reason. No event, no
    mail. Returns False when the address is neither on the ticket.
    """
    email = email.strip().lower()
    if not email:
        return False
    now = timezone.now()
    reason = reason[:500]
    marked = TicketCC.objects.filter(ticket=ticket, email__iexact=email).update(
        bounced_at=now, bounce_reason=reason
    )
    requester_email = (
        ticket.requester.email if ticket.requester_id else ticket.requester_email
    ).lower()
    if email in {requester_email, ticket.requester_email.lower()}:
        Ticket.objects.filter(pk=ticket.pk).update(
            requester_bounced_at=now, requester_bounce_reason=reason
        )
        ticket.requester_bounced_at, ticket.requester_bounce_reason = now, reason
        marked += 1
    return bool(marked)
