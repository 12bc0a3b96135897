"""Delivery failures: marking a ticket's addresses that mail could not reach."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ticketdesk.tickets.models import Ticket, TicketCC


@transaction.atomic
def record_bounce(ticket: Ticket, *, email: str, reason: str = "") -> bool:
    """Mark `email` as undeliverable on the ticket, and wherever else it is copied.

    Writes Ticket.requester_bounced_at/requester_bounce_reason when it is the
    ticket's requester, and TicketCC.bounced_at/bounce_reason on this ticket and on
    every other ticket that copies the address and has not marked it yet (bounced
    copied addresses get no more updates, so one report stops the mail to a dead
    address everywhere). No event, no mail. Returns False, marking nothing, when the
    address is neither on this ticket: a report about an address the ticket never
    mailed is no evidence about that address.
    """
    email = email.strip().lower()
    if not email:
        return False
    now = timezone.now()
    reason = reason[:500]
    copied = TicketCC.objects.filter(email__iexact=email)
    marked = copied.filter(ticket=ticket).update(bounced_at=now, bounce_reason=reason)
    requester_email = (
        ticket.requester.email if ticket.requester_id else ticket.requester_email
    ).lower()
    if email in {requester_email, ticket.requester_email.lower()}:
        Ticket.objects.filter(pk=ticket.pk).update(
            requester_bounced_at=now, requester_bounce_reason=reason
        )
        ticket.requester_bounced_at, ticket.requester_bounce_reason = now, reason
        marked += 1
    if marked:
        copied.filter(bounced_at__isnull=True).update(bounced_at=now, bounce_reason=reason)
    return bool(marked)
