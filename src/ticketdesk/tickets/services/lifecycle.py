"""Opening, changing, closing and reopening tickets."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ticketdesk.tickets import errors
from ticketdesk.tickets.models import (
    Category,
    EventAction,
    Message,
    MessageKind,
    Priority,
    Source,
    Status,
    SubCategory,
    Ticket,
    TicketCC,
    TicketReadMark,
    TicketSequence,
)

from .attachments import AttachmentInput, atomic_with_files, store_attachments
from .changesets import ChangeSet
from .guards import (
    check_active,
    check_assignable,
    check_version,
    clean_email,
    closed_status,
    default_priority,
    default_status,
    lock_ticket,
    require_agent,
)
from .sla_clock import start_clock

if TYPE_CHECKING:
    from ticketdesk.accounts.models import Team, User
    from ticketdesk.customers.models import Contact, Customer


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def _check_subcategory(category: Category | None, subcategory: SubCategory | None) -> None:
    if subcategory is not None and (category is None or subcategory.category_id != category.pk):
        raise ValidationError(
            errors.SUBCATEGORY_MISMATCH,
            code="subcategory_mismatch",
            params={"sub": subcategory, "cat": category or "—"},
        )


@atomic_with_files()
def open_ticket(
    *,
    customer: Customer,
    subject: str,
    text: str,
    by: User | None,
    requester: Contact | None = None,
    requester_email: str = "",
    requester_name: str = "",
    priority: Priority | None = None,
    category: Category | None = None,
    subcategory: SubCategory | None = None,
    team: Team | None = None,
    assignee: User | None = None,
    source: str = Source.AGENT,
    cc: Iterable[str] = (),
    html: str = "",
    quoted_text: str = "",
    attachments: Sequence[AttachmentInput] = (),
    unknown_contact: bool = False,
    message_headers: dict[str, str] | None = None,
    actor_label: str = "",
) -> Ticket:
    """Open a ticket with its first message (the customer's request).

    Writes: the ticket (default status, next number, SLA target), the first
    message and its attachments, copied addresses, an OPENED event (plus an
    ASSIGNED event with an assignee). Notification rules queue the confirmation.
    """
    require_agent(by)
    subject = subject.strip()
    if not subject:
        raise ValidationError(errors.EMPTY_SUBJECT, code="empty_subject")
    for entry in (priority, category, subcategory, team):
        check_active(entry)
    _check_subcategory(category, subcategory)
    if subcategory is not None:
        priority = priority or subcategory.default_priority
        team = team or subcategory.default_team
    if assignee is not None:
        check_assignable(assignee)
    priority = priority or default_priority()
    now = timezone.now()
    ticket = Ticket(
        number=TicketSequence.next_number(),
        subject=subject[:250],
        customer=customer,
        requester=requester,
        requester_email=(requester.email if requester else requester_email).strip(),
        unknown_contact=unknown_contact,
        status=default_status(),
        priority=priority,
        category=category,
        subcategory=subcategory,
        team=team,
        assignee=assignee,
        opened_at=now,
        last_customer_message_at=now if source != Source.AGENT else None,
        source=source,
        created_by=by,
    )
    start_clock(ticket, at=now)
    ticket.save(force_insert=True)
    emails = {clean_email(e).lower(): e for e in cc if e.strip()}.values()
    copied = TicketCC.objects.bulk_create(TicketCC(ticket=ticket, email=e) for e in emails)
    headers = message_headers or {}
    changeset = ChangeSet(ticket=ticket, by=by, actor_label=actor_label, at=now, copied=copied)
    message = Message.objects.create(
        ticket=ticket,
        changeset=changeset.id,
        kind=MessageKind.CUSTOMER,
        author_user=by if source == Source.AGENT else None,
        author_contact=requester,
        author_email=requester.email if requester else requester_email,
        author_name=requester.name if requester else requester_name[:200],
        text=text,
        quoted_text=quoted_text,
        html=html,
        created_at=now,
        message_id=headers.get("message_id", ""),
        in_reply_to=headers.get("in_reply_to", ""),
        references=headers.get("references", ""),
    )
    # Mail keeps every attachment it brought; the size limit is for uploads.
    store_attachments(ticket, message, attachments, enforce_limit=source != Source.EMAIL)
    changeset.message = message
    changeset.record(EventAction.OPENED, new=ticket.reference)
    if assignee is not None:
        changeset.record(EventAction.ASSIGNED, field="assignee", new=assignee)
    changeset.save(update_fields=[])
    # Callers that go on with the first message (mail routing) need not read it back.
    ticket.opening_message = message  # type: ignore[attr-defined]
    return ticket


@transaction.atomic
def change_ticket(
    ticket: Ticket,
    *,
    by: User | None,
    expected_version: int | None = None,
    priority: Priority = UNSET,
    category: Category | None = UNSET,
    subcategory: SubCategory | None = UNSET,
    status: Status = UNSET,
    estimated_resolution_date: datetime.date | None = UNSET,
    team: Team | None = UNSET,
) -> ChangeSet:
    """Change several fields at once: one change-set, one notification.

    Choosing a sub-category applies its default priority and team unless those
    are given too. Refuses a stale version, deactivated entries and a
    sub-category of another category. Returns the change-set (empty: nothing
    changed, nothing written).
    """
    require_agent(by)
    lock_ticket(ticket)
    check_version(ticket, expected_version)
    changes: dict[str, Any] = {
        "priority": priority,
        "category": category,
        "subcategory": subcategory,
        "status": status,
        "estimated_resolution_date": estimated_resolution_date,
        "team": team,
    }
    changes = {k: v for k, v in changes.items() if v is not UNSET}
    for name, value in changes.items():
        if name != "estimated_resolution_date" and value != getattr(ticket, name):
            check_active(value)
    new_category = changes.get("category", ticket.category)
    # A sub-category of the previous category no longer fits; drop it.
    if (
        "category" in changes
        and "subcategory" not in changes
        and ticket.subcategory
        and ticket.subcategory.category_id != getattr(new_category, "pk", None)
    ):
        changes["subcategory"] = None
    new_sub = changes.get("subcategory", ticket.subcategory)
    _check_subcategory(new_category, new_sub)
    if new_sub is not None and new_sub != ticket.subcategory:
        if new_sub.default_priority and priority is UNSET:
            changes["priority"] = new_sub.default_priority
        if new_sub.default_team and team is UNSET:
            changes["team"] = new_sub.default_team
    changeset = ChangeSet(ticket=ticket, by=by)
    updated = [name for name, value in changes.items() if changeset.set_field(name, value)]
    if not updated:
        return changeset
    if "status" in updated:
        updated += _apply_status_side_effects(ticket, changeset)
    changeset.save(update_fields=updated)
    return changeset


def _apply_status_side_effects(ticket: Ticket, changeset: ChangeSet) -> list[str]:
    if ticket.status.is_closed and ticket.closed_at is None:
        ticket.closed_at = changeset.at
        changeset.record(EventAction.CLOSED)
        return ["closed_at"]
    if not ticket.status.is_closed and ticket.closed_at is not None:
        ticket.closed_at = None
        changeset.record(EventAction.REOPENED)
        return ["closed_at"]
    return []


def set_status(changeset: ChangeSet, status: Status | None) -> list[str]:
    """Move the ticket to an automatic status inside a running change-set."""
    if status is None or not changeset.set_field("status", status):
        return []
    return ["status", *_apply_status_side_effects(changeset.ticket, changeset)]


@transaction.atomic
def close_ticket(
    ticket: Ticket, *, by: User | None, expected_version: int | None = None, actor_label: str = ""
) -> ChangeSet:
    """Move the ticket to the first active closed status (CLOSED event, closing mail).

    `actor_label` names a closer who is not an agent (a contact in the portal).
    """
    require_agent(by)
    lock_ticket(ticket)
    check_version(ticket, expected_version)
    if ticket.status.is_closed:
        raise ValidationError(errors.ALREADY_CLOSED, code="already_closed")
    changeset = ChangeSet(ticket=ticket, by=by, actor_label=actor_label)
    changeset.save(update_fields=set_status(changeset, closed_status()))
    return changeset


@transaction.atomic
def reopen_ticket(
    ticket: Ticket, *, by: User | None, expected_version: int | None = None, actor_label: str = ""
) -> ChangeSet:
    """Move a closed ticket back to the default status (REOPENED event)."""
    require_agent(by)
    lock_ticket(ticket)
    check_version(ticket, expected_version)
    if not ticket.status.is_closed:
        raise ValidationError(errors.NOT_CLOSED, code="not_closed")
    changeset = ChangeSet(ticket=ticket, by=by, actor_label=actor_label)
    changeset.save(update_fields=set_status(changeset, default_status()))
    return changeset


def mark_ticket_read(ticket: Ticket, *, user: User, up_to: datetime.datetime) -> bool:
    """Move the user's read mark forward to `up_to`, the last customer message their page showed.

    Clears the list's unread marker for that message, not for one that came in since. The mark
    never goes past the ticket's last customer message nor backwards, and is written only when
    it moves: one conditional UPDATE, or the INSERT of the user's first mark. Returns whether
    it moved.
    """
    last = ticket.last_customer_message_at
    if last is None:
        return False
    up_to = max(min(up_to, last), ticket.opened_at)
    marks = TicketReadMark.objects.filter(ticket=ticket, user=user)
    if marks.filter(seen_at__lt=up_to).update(seen_at=up_to):
        return True
    _, created = TicketReadMark.objects.get_or_create(
        ticket=ticket, user=user, defaults={"seen_at": up_to}
    )
    return created
