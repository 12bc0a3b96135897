"""Copied addresses of a ticket and per-agent read marks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from ticketdesk.tickets.models import EventAction, Ticket, TicketCC, TicketReadMark

from .changesets import ChangeSet
from .guards import clean_email, require_agent

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User


@transaction.atomic
def add_cc(ticket: Ticket, *, email: str, by: User | None) -> TicketCC:
    """Copy an extra address on the ticket's updates (CC_ADDED event)."""
    require_agent(by)
    email = clean_email(email)
    existing = ticket.cc_addresses.filter(email__iexact=email).first()
    if existing is not None:
        return existing
    cc = TicketCC.objects.create(ticket=ticket, email=email)
    changeset = ChangeSet(ticket=ticket, by=by)
    changeset.record(EventAction.CC_ADDED, field="cc", new=email)
    changeset.save(update_fields=[])
    return cc


@transaction.atomic
def remove_cc(ticket: Ticket, *, email: str, by: User | None) -> None:
    """Stop copying an address (CC_REMOVED event)."""
    require_agent(by)
    deleted, _ = ticket.cc_addresses.filter(email__iexact=email.strip()).delete()
    if deleted:
        changeset = ChangeSet(ticket=ticket, by=by)
        changeset.record(EventAction.CC_REMOVED, field="cc", old=email.strip())
        changeset.save(update_fields=[])


def mark_ticket_seen(ticket: Ticket, *, user: User) -> None:
    """Remember that the agent has seen the ticket up to now (clears the unread marker)."""
    TicketReadMark.objects.update_or_create(
        ticket=ticket, user=user, defaults={"seen_at": timezone.now()}
    )
