"""What a contact reads about a ticket: the customer-facing status and the public timeline.

Internal notes, events, automatic mail, agents' addresses, time and SLA data never get here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext

from ticketdesk.tickets.models import Attachment, Message, MessageKind, Status, Ticket


def customer_status(status: Status) -> str:
    """The ticket's state as the customer sees it, from the status' flags (never its name)."""
    if status.is_closed:
        return gettext("Closed")
    if status.waits_for_customer:
        return gettext("Waiting for your reply")
    if status.is_default:
        return gettext("Received")
    return gettext("In progress")


@dataclass(frozen=True)
class PublicEntry:
    from_customer: bool
    author: str
    created_at: datetime
    text: str
    attachments: list[Attachment]


def _author(message: Message) -> str:
    if message.kind == MessageKind.CUSTOMER:
        if message.author_contact_id:
            return message.author_contact.name
        return message.author_name or message.author_email
    # An agent is named, never addressed: no e-mail address leaves the team.
    user = message.author_user
    return (user.full_name if user else "") or gettext("Support team")


def public_timeline(ticket: Ticket) -> list[PublicEntry]:
    """The customer's messages and the team's public replies, oldest first."""
    messages = (
        Message.objects.public()
        .filter(ticket=ticket, is_automatic=False)
        .select_related("author_user", "author_contact")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )
    return [
        PublicEntry(
            from_customer=message.kind == MessageKind.CUSTOMER,
            author=_author(message),
            created_at=message.created_at,
            text=message.text,
            attachments=list(message.attachments.all()),
        )
        for message in messages
    ]
