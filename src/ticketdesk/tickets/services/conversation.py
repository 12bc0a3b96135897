"""Replies, internal notes and customer messages on a ticket."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

from ticketdesk.tickets import errors
from ticketdesk.tickets.models import EventAction, Message, MessageKind, Ticket

from .attachments import AttachmentInput, atomic_with_files, store_attachments
from .changesets import ChangeSet
from .guards import closed_status, default_status, lock_ticket, require_agent, status_flagged
from .lifecycle import set_status

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User
    from ticketdesk.customers.models import Contact


def _require_text(text: str, attachments: Sequence[AttachmentInput]) -> None:
    if not text.strip() and not attachments:
        raise ValidationError(errors.EMPTY_MESSAGE, code="empty_message")


def _create_message(
    changeset: ChangeSet, kind: str, text: str, html: str, **fields: object
) -> Message:
    message = Message.objects.create(
        ticket=changeset.ticket,
        kind=kind,
        text=text,
        html=html,
        created_at=changeset.at,
        changeset=changeset.id,
        **fields,
    )
    changeset.message = message
    return message


@atomic_with_files()
def add_reply(
    ticket: Ticket,
    *,
    by: User,
    text: str,
    html: str = "",
    attachments: Sequence[AttachmentInput] = (),
    notify_requester: bool = True,
    notify_cc: bool = True,
    notify_assignee: bool = False,
    close: bool = False,
) -> ChangeSet:
    """Send a public reply to the customer.

    Writes the REPLY message, a REPLIED event, sets first_response_at on the first
    public reply, applies set_on_agent_reply (or closes with `close`). The reply
    mail goes to the requester and copied addresses per the switches.
    """
    require_agent(by)
    _require_text(text, attachments)
    lock_ticket(ticket)
    changeset = ChangeSet(ticket=ticket, by=by)
    changeset.notify = {
        "requester": notify_requester,
        "cc": notify_cc,
        "assignee": notify_assignee,
    }
    message = _create_message(changeset, MessageKind.REPLY, text, html, author_user=by)
    store_attachments(ticket, message, attachments)
    changeset.record(EventAction.REPLIED)
    updated: list[str] = []
    if ticket.first_response_at is None:
        ticket.first_response_at = changeset.at
        updated.append("first_response_at")
    target = closed_status() if close else status_flagged("set_on_agent_reply")
    if not (target is not None and ticket.status.is_closed and not target.is_closed):
        updated += set_status(changeset, target)
    changeset.save(update_fields=updated)
    return changeset


@atomic_with_files()
def add_note(
    ticket: Ticket,
    *,
    by: User,
    text: str,
    attachments: Sequence[AttachmentInput] = (),
    quoted_text: str = "",
    headers: dict[str, str] | None = None,
) -> ChangeSet:
    """Add an internal note: never shown or mailed to the customer (NOTE_ADDED event).

    `headers` keep the Message-ID of a note that arrived by e-mail (an agent
    answering a notice), so a second delivery of that mail is recognised.
    """
    require_agent(by)
    _require_text(text, attachments)
    lock_ticket(ticket)
    changeset = ChangeSet(ticket=ticket, by=by)
    message = _create_message(
        changeset,
        MessageKind.NOTE,
        text,
        "",
        author_user=by,
        quoted_text=quoted_text,
        **_header_fields(headers),
    )
    store_attachments(ticket, message, attachments, enforce_limit=headers is None)
    changeset.record(EventAction.NOTE_ADDED)
    changeset.save(update_fields=[])
    return changeset


def _header_fields(headers: dict[str, str] | None) -> dict[str, str]:
    headers = headers or {}
    return {
        "message_id": headers.get("message_id", ""),
        "in_reply_to": headers.get("in_reply_to", ""),
        "references": headers.get("references", ""),
    }


@atomic_with_files()
def add_customer_message(
    ticket: Ticket,
    *,
    text: str,
    html: str = "",
    quoted_text: str = "",
    contact: Contact | None = None,
    email: str = "",
    name: str = "",
    attachments: Sequence[AttachmentInput] = (),
    headers: dict[str, str] | None = None,
    is_automatic: bool = False,
) -> ChangeSet:
    """Record a message from the customer (portal, e-mail, API).

    Applies set_on_customer_reply, reopens a closed ticket, marks the ticket
    unread for agents and lets the notification rules tell the assignee.
    Automatic mail (auto-replies, bounces) is stored but changes no status and
    notifies nobody.
    """
    _require_text(text, attachments)
    lock_ticket(ticket)
    label = contact.name if contact else (name or email)
    changeset = ChangeSet(ticket=ticket, by=None, actor_label=label)
    headers = headers or {}
    message = _create_message(
        changeset,
        MessageKind.CUSTOMER,
        text,
        html,
        author_contact=contact,
        author_email=contact.email if contact and not email else email,
        author_name=name or (contact.name if contact else ""),
        is_automatic=is_automatic,
        **_header_fields(headers),
        quoted_text=quoted_text,
    )
    store_attachments(ticket, message, attachments, enforce_limit=False)
    changeset.record(EventAction.CUSTOMER_WROTE)
    if is_automatic:
        changeset.notify = {"suppress": True}
        changeset.save(update_fields=[])
        return changeset
    ticket.last_customer_message_at = changeset.at
    updated = ["last_customer_message_at"]
    reply_status = status_flagged("set_on_customer_reply")
    if ticket.status.is_closed:
        reply_status = reply_status or default_status()
    updated += set_status(changeset, reply_status)
    changeset.save(update_fields=updated)
    return changeset
