"""Model rows as API dicts (the shapes of schemas.py), built without further queries."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from ticketdesk.customers.models import CUSTOMER_FIELDS
from ticketdesk.tickets.listing import url_for_each
from ticketdesk.tickets.sla_state import sla_state

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User
    from ticketdesk.customers.models import Contact, Customer
    from ticketdesk.tickets.models import Attachment, Message, Ticket, TicketEvent


def ref(entry: Any) -> dict[str, Any] | None:
    return None if entry is None else {"id": entry.pk, "name": str(entry)}


def person(user: User | Contact | None) -> dict[str, Any] | None:
    if user is None:
        return None
    name = getattr(user, "full_name", None) or getattr(user, "name", "") or user.email
    return {"id": user.pk, "name": name, "email": user.email}


def tickets(rows: list[Ticket], *, now: datetime.datetime) -> list[dict[str, Any]]:
    """Rows loaded with with_columns() (customer, status, ... joined)."""
    page_url = url_for_each("tickets:detail")
    return [ticket(row, now=now, url=page_url(row.number)) for row in rows]


def ticket(row: Ticket, *, now: datetime.datetime, url: str = "") -> dict[str, Any]:
    state = sla_state(row, now=now)
    return {
        "id": row.pk,
        "number": row.number,
        "reference": row.reference,
        "subject": row.subject,
        "customer": {
            "id": row.customer.pk,
            "number": row.customer.number,
            "name": row.customer.name,
        },
        "requester": person(row.requester) if row.requester_id else None,
        "requester_email": row.requester_email,
        "status": {"id": row.status.pk, "name": str(row.status), "is_closed": row.status.is_closed},
        "priority": ref(row.priority),
        "category": ref(row.category),
        "subcategory": ref(row.subcategory) if row.subcategory_id else None,
        "team": ref(row.team),
        "assignee": person(row.assignee),
        "source": row.source,
        "opened_at": row.opened_at,
        "accepted_at": row.accepted_at,
        "first_response_at": row.first_response_at,
        "closed_at": row.closed_at,
        "updated_at": row.updated_at,
        "sla": {
            "state": state.value if state else None,
            "due_at": row.sla_due_at,
            "first_response_due_at": row.target_first_response_at,
            "resolution_due_at": row.target_resolution_at,
        },
        "version": row.version,
        "url": url or reverse("tickets:detail", args=[row.number]),
    }


def attachment(row: Attachment, *, number: int) -> dict[str, Any]:
    return {
        "id": row.pk,
        "name": row.name,
        "size": row.size,
        "content_type": row.content_type,
        "url": reverse("api-v1:ticket_attachment", args=[number, row.pk]),
    }


def message(row: Message, *, number: int) -> dict[str, Any]:
    return {
        "id": row.pk,
        "kind": row.kind,
        "author_name": row.author_name,
        "author_email": row.author_email,
        "text": row.text,
        "created_at": row.created_at,
        "attachments": [attachment(a, number=number) for a in row.attachments.all()],
    }


def event(row: TicketEvent) -> dict[str, Any]:
    return {
        "id": row.pk,
        "action": row.action,
        "field": row.field,
        "old_value": row.old_value,
        "new_value": row.new_value,
        "actor": row.actor_label or (str(row.actor) if row.actor_id else ""),
        "created_at": row.created_at,
    }


def customer(row: Customer) -> dict[str, Any]:
    return {"id": row.pk, **{key: getattr(row, key) for key in CUSTOMER_FIELDS}}


def contact(row: Contact) -> dict[str, Any]:
    return {
        "id": row.pk,
        "name": row.name,
        "email": row.email,
        "phone": row.phone,
        "language": row.language,
        "is_active": row.is_active,
        "portal_access": row.portal_access,
        "portal_admin": row.portal_admin,
        "customers": [c.pk for c in row.customers.all()],
    }
