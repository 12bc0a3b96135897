"""Applying one change to several tickets (the ticket list's bulk actions)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ticketdesk.tickets.models import Priority, Status, Ticket

from .assignment import assign_ticket
from .changesets import ChangeSet
from .guards import require_agent
from .lifecycle import UNSET, change_ticket

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User


@dataclass
class BulkResult:
    """Which tickets changed, which were already as asked, and which were refused and why."""

    changed: list[Ticket] = field(default_factory=list)
    unchanged: list[Ticket] = field(default_factory=list)
    failed: list[tuple[Ticket, str]] = field(default_factory=list)


def bulk_change_tickets(
    tickets: Iterable[Ticket],
    *,
    by: User,
    assignee: User = UNSET,
    status: Status = UNSET,
    priority: Priority = UNSET,
) -> BulkResult:
    """Assign, or change status and/or priority of, each ticket through its own service call.

    Deliberately not one transaction: every ticket gets its own transaction and
    change-set (so one notification per ticket, as if changed on its page), and
    a ticket the rules refuse is reported in the result while the others still
    change. Assigning writes ASSIGNED events (`assign_ticket`); field changes
    write CHANGED events and their notifications (`change_ticket`).
    """
    require_agent(by)
    if assignee is not UNSET and (status is not UNSET or priority is not UNSET):
        raise ValueError("Assign and change fields in separate bulk actions.")
    result = BulkResult()
    for ticket in tickets:
        try:
            with transaction.atomic():
                changeset = _apply(
                    ticket, by=by, assignee=assignee, status=status, priority=priority
                )
        except (ValidationError, PermissionDenied) as error:
            messages = getattr(error, "messages", None) or [str(error)]
            result.failed.append((ticket, " ".join(messages)))
            continue
        (result.changed if changeset.events else result.unchanged).append(ticket)
    return result


def _apply(
    ticket: Ticket, *, by: User, assignee: User, status: Status, priority: Priority
) -> ChangeSet:
    if assignee is not UNSET:
        return assign_ticket(ticket, agent=assignee, by=by)
    return change_ticket(ticket, by=by, status=status, priority=priority)
