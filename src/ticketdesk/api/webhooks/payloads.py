"""Which webhook events a change-set causes, and the JSON bodies that carry them."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder

from ticketdesk.api import serializers
from ticketdesk.tickets.models import EventAction

from .models import WebhookEvent

if TYPE_CHECKING:
    from ticketdesk.tickets.services.changesets import ChangeSet

MESSAGE_ACTIONS = {EventAction.REPLIED, EventAction.CUSTOMER_WROTE, EventAction.NOTE_ADDED}
UPDATE_ACTIONS = {
    EventAction.CHANGED,
    EventAction.ACCEPTED,
    EventAction.ASSIGNED,
    EventAction.FREED,
    EventAction.REOPENED,
}


def changeset_events(changeset: ChangeSet) -> list[str]:
    """The webhook events of one change-set, in the order they happened.

    A new ticket is `ticket.created` only (its first message rides in the payload). A
    message is `message.created`; a close is `ticket.closed`; any other field, status or
    assignment change is `ticket.updated`, except the status change a close consists of.
    Time and copy-address events change nothing the ticket shape shows.
    """
    actions = {event.action for event in changeset.events}
    if EventAction.OPENED in actions:
        return [WebhookEvent.TICKET_CREATED]
    events: list[str] = []
    if actions & MESSAGE_ACTIONS and changeset.message is not None:
        events.append(WebhookEvent.MESSAGE_CREATED)
    updates = actions & UPDATE_ACTIONS
    if EventAction.CLOSED in actions:
        events.append(WebhookEvent.TICKET_CLOSED)
        if not set(changeset.changed_fields) - {"status"}:
            updates.discard(EventAction.CHANGED)
    if updates:
        events.append(WebhookEvent.TICKET_UPDATED)
    return events


def changeset_data(changeset: ChangeSet, event: str) -> dict[str, Any]:
    """`data` of the payload: the API's ticket shape, and the message where there is one."""
    ticket = changeset.ticket
    data: dict[str, Any] = {"ticket": serializers.ticket(ticket, now=changeset.at)}
    if changeset.message is not None and event in {
        WebhookEvent.MESSAGE_CREATED,
        WebhookEvent.TICKET_CREATED,
    }:
        data["message"] = serializers.message(changeset.message, number=ticket.number)
    return data


def encode_body(
    *, delivery_id: uuid.UUID, event: str, created_at: datetime, data: dict[str, Any]
) -> str:
    """The payload as sent: compact JSON, fixed once so every attempt signs the same bytes."""
    payload = {
        "id": str(delivery_id),
        "event": event,
        "created_at": created_at.isoformat(),
        "data": data,
    }
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
