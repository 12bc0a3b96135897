"""Accepting, assigning and freeing tickets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ticketdesk.tickets import errors
from ticketdesk.tickets.models import EventAction, Ticket

from .changesets import ChangeSet
from .guards import check_assignable, check_version, lock_ticket, require_agent, status_flagged
from .lifecycle import set_status

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User


@transaction.atomic
def accept_ticket(ticket: Ticket, *, by: User) -> ChangeSet:
    """Claim the ticket for `by`; of two agents accepting at once exactly one wins.

    The claim is one conditional UPDATE (not yet accepted, unassigned or
    assigned to `by`), so the database decides the race; the loser gets an
    error naming the winner. Writes ACCEPTED (and ASSIGNED) events and applies
    the status flagged set_on_accept.
    """
    require_agent(by)
    check_assignable(by)
    now = timezone.now()
    claimed = (
        Ticket.objects.filter(pk=ticket.pk, accepted_at__isnull=True)
        .filter(Q(assignee__isnull=True) | Q(assignee=by))
        .update(assignee=by, accepted_at=now)
    )
    if not claimed:
        current = Ticket.objects.select_related("assignee").get(pk=ticket.pk)
        raise ValidationError(
            errors.ALREADY_ACCEPTED,
            code="already_accepted",
            params={"user": current.assignee or "?"},
        )
    previous_assignee = ticket.assignee
    lock_ticket(ticket)
    changeset = ChangeSet(ticket=ticket, by=by, at=now)
    changeset.record(EventAction.ACCEPTED, field="assignee", new=by)
    if previous_assignee != by:
        changeset.record(EventAction.ASSIGNED, field="assignee", old=previous_assignee, new=by)
    updated = ["assignee", "accepted_at", *set_status(changeset, status_flagged("set_on_accept"))]
    changeset.save(update_fields=updated)
    return changeset


@transaction.atomic
def assign_ticket(
    ticket: Ticket, *, agent: User, by: User | None, expected_version: int | None = None
) -> ChangeSet:
    """Give the ticket to a Support-team agent (ASSIGNED event; never mailed to the customer)."""
    require_agent(by)
    check_assignable(agent)
    lock_ticket(ticket)
    check_version(ticket, expected_version)
    changeset = ChangeSet(ticket=ticket, by=by)
    old = ticket.assignee
    if old == agent:
        return changeset
    ticket.assignee = agent
    ticket.accepted_at = changeset.at if agent == by else None
    changeset.record(EventAction.ASSIGNED, field="assignee", old=old, new=agent)
    changeset.save(update_fields=["assignee", "accepted_at"])
    return changeset


@transaction.atomic
def free_ticket(
    ticket: Ticket, *, by: User | None, expected_version: int | None = None
) -> ChangeSet:
    """Unassign the ticket so another agent can accept it (FREED event)."""
    require_agent(by)
    lock_ticket(ticket)
    check_version(ticket, expected_version)
    if ticket.assignee is None:
        raise ValidationError(errors.NOT_ASSIGNED, code="not_assigned")
    changeset = ChangeSet(ticket=ticket, by=by)
    changeset.record(EventAction.FREED, field="assignee", old=ticket.assignee)
    ticket.assignee = None
    ticket.accepted_at = None
    changeset.save(update_fields=["assignee", "accepted_at"])
    return changeset
