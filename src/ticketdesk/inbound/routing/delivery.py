"""Handing a parsed message to the ticket services: a new ticket, or a message on one."""

from __future__ import annotations

from contextlib import nullcontext
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext, gettext_noop

from ticketdesk.accounts.models import User
from ticketdesk.core.config_cache import cached
from ticketdesk.inbound.models import Mailbox
from ticketdesk.inbound.parsing import ParsedMessage
from ticketdesk.tickets.models import Message, Source, Ticket
from ticketdesk.tickets.notifications import suppressed
from ticketdesk.tickets.services import (
    AttachmentInput,
    add_customer_message,
    add_note,
    close_ticket,
    open_ticket,
)
from ticketdesk.tickets.services.bounces import record_bounce
from ticketdesk.tickets.services.guards import is_assignable

from .threads import bracketed, strip_subject_tags

if TYPE_CHECKING:
    from ticketdesk.customers.models import Contact, Customer
    from ticketdesk.inbound.filters.models import MailFilter

ACTOR_MAIL = gettext_noop("%(sender)s (e-mail)")


def attachments_of(parsed: ParsedMessage) -> list[AttachmentInput]:
    """The parser's attachments as service input; inline images keep their Content-ID."""
    return [
        AttachmentInput(
            name=item.filename,
            content=item.content,
            content_type=item.content_type or "application/octet-stream",
            content_id=item.content_id,
            inline=item.is_inline,
        )
        for item in parsed.attachments
    ]


def headers_of(parsed: ParsedMessage) -> dict[str, str]:
    return {
        "message_id": bracketed(parsed.message_id) if parsed.message_id else "",
        "in_reply_to": bracketed(parsed.in_reply_to) if parsed.in_reply_to else "",
        "references": " ".join(bracketed(ref) for ref in parsed.references)[:10000],
    }


def texts_of(parsed: ParsedMessage) -> tuple[str, str]:
    """(text shown, quoted text folded); a message that is all quote shows it all."""
    if parsed.new_text.strip():
        return parsed.new_text, parsed.quoted_text
    if parsed.text.strip() or parsed.attachments:
        return parsed.text, ""
    return gettext("(empty message)"), ""


def copied_addresses(parsed: ParsedMessage) -> list[str]:
    """The mail's other recipients (To and Cc), who keep hearing about the new ticket.

    Our own addresses (the support address and the IMAP mailboxes), the sender,
    a mailing list's posting address and malformed addresses are left out, so the
    ticket never mails itself or a whole list.
    """
    ours = {settings.SUPPORT_EMAIL.lower(), settings.DEFAULT_FROM_EMAIL.lower()}
    ours |= cached("inbound.mailbox_usernames", _mailbox_usernames)
    ours.add(parsed.from_address.lower())
    ours.update(parsed.list_addresses)
    copied: dict[str, str] = {}
    for address in [*parsed.to, *parsed.cc]:
        address = address.strip()
        if address.lower() in ours or address.lower() in copied:
            continue
        try:
            validate_email(address)
        except ValidationError:
            continue
        copied[address.lower()] = address
    return list(copied.values())


def _mailbox_usernames() -> frozenset[str]:
    return frozenset(name.lower() for name in Mailbox.objects.values_list("username", flat=True))


def actor_of(parsed: ParsedMessage) -> str:
    sender = parsed.from_name or parsed.from_address or gettext("unknown sender")
    return gettext(ACTOR_MAIL) % {"sender": sender}


def open_ticket_from(
    parsed: ParsedMessage,
    *,
    customer: Customer,
    contact: Contact | None,
    mail_filter: MailFilter | None = None,
    subject: str = "",
    by: User | None = None,
) -> Ticket:
    """Open a ticket with the message as its first message; a filter's actions apply.

    A filter that closes at once sends nothing: such filters catch machine mail
    (monitoring, newsletters), and a confirmation plus a closing notice would
    only start a conversation with a robot. List, bulk and no-reply mail gets no
    confirmation either (RFC 3834 section 2: never answer it automatically).
    """
    closes = mail_filter is not None and mail_filter.close
    text, quoted = texts_of(parsed)
    with suppressed() if closes or parsed.no_auto_reply else nullcontext():
        ticket = open_ticket(
            customer=customer,
            subject=(subject or parsed.subject).strip() or gettext("(no subject)"),
            text=text,
            quoted_text=quoted,
            html=parsed.html,
            by=by,
            requester=contact,
            requester_email="" if contact else parsed.from_address,
            requester_name=parsed.from_name,
            source=Source.EMAIL,
            attachments=attachments_of(parsed),
            unknown_contact=contact is None,
            cc=copied_addresses(parsed),
            message_headers=headers_of(parsed),
            actor_label=actor_of(parsed),
            **filter_actions(mail_filter),
        )
        if closes:
            close_ticket(ticket, by=by)
    return ticket


def filter_actions(mail_filter: MailFilter | None) -> dict[str, object]:
    """A filter's field values that can still be applied (active entries, assignable agent)."""
    if mail_filter is None:
        return {}
    actions: dict[str, object] = {}
    for name in ("priority", "category", "team"):
        entry = getattr(mail_filter, f"set_{name}")
        if entry is not None and entry.is_active:
            actions[name] = entry
    agent = mail_filter.set_assignee
    if agent is not None and is_assignable(agent):
        actions["assignee"] = agent
    return actions


def append_to(
    ticket: Ticket,
    parsed: ParsedMessage,
    *,
    contact: Contact | None,
    automatic: bool,
) -> Message:
    """Add the message to the ticket; automatic mail changes nothing and notifies no one."""
    text, quoted = texts_of(parsed)
    changeset = add_customer_message(
        ticket,
        text=text,
        quoted_text=quoted,
        html=parsed.html,
        contact=contact,
        email=parsed.from_address,
        name=parsed.from_name,
        attachments=attachments_of(parsed),
        headers=headers_of(parsed),
        is_automatic=automatic,
    )
    if parsed.is_bounce:
        for address in parsed.bounced_recipients:
            record_bounce(ticket, email=address, reason=parsed.subject)
    return cast(Message, changeset.message)  # add_customer_message always writes one


def note_from_agent(ticket: Ticket, parsed: ParsedMessage, *, agent: User) -> Message:
    """An agent's e-mail on a ticket (e.g. answering a notice) becomes an internal note.

    Never a public reply: text an agent mails to the helpdesk address may be
    meant for colleagues, and only the ticket page decides what the customer gets.
    """
    text, quoted = texts_of(parsed)
    changeset = add_note(
        ticket,
        by=agent,
        text=text,
        quoted_text=quoted,
        attachments=attachments_of(parsed),
        headers=headers_of(parsed),
    )
    return cast(Message, changeset.message)


def open_follow_up(closed: Ticket, parsed: ParsedMessage, *, contact: Contact | None) -> Ticket:
    """A new ticket for a reply to a closed one; internal notes link the two both ways."""
    subject = strip_subject_tags(parsed.subject) or closed.subject
    ticket = open_ticket_from(parsed, customer=closed.customer, contact=contact, subject=subject)
    add_note(
        ticket,
        by=None,
        text=gettext("Follow-up to the closed ticket %(ticket)s.") % {"ticket": closed.reference},
    )
    add_note(
        closed,
        by=None,
        text=gettext("A reply to this closed ticket opened %(ticket)s.")
        % {"ticket": ticket.reference},
    )
    return ticket
