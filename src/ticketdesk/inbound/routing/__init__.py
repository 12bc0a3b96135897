"""The router: a parsed message becomes a ticket, a message on one, or waits in the inbox.

Order of decisions (first that applies):

1. Mail stored before under the same Message-ID with the same content (sender,
   subject, text and attachment bytes): a repeat delivery, recorded and shown nowhere. Other content
   under a known Message-ID (broken mailers, scanners, a spoofed ID) is routed like
   any mail, into the ticket of the first if it has one, and its ticket message is
   flagged "Message-ID reused" for agents. A ticket message with the Message-ID and
   no earlier stored mail (our own mail coming back) is a repeat.
2. The message threads into a ticket (In-Reply-To / References to our mails or stored
   messages, else the subject's ticket tag): it is added there. Auto-replies, bounces
   and our own mail coming back are stored as automatic (no status change, no mail),
   and a bounce marks the failed addresses. Mail from an agent (not a contact) becomes
   an internal note. A customer reply to a closed ticket reopens
   it, or with INBOUND_CLOSED_TICKET_REPLY = "new" opens a linked follow-up ticket.
3. Auto-replies and bounces that thread nowhere wait in the inbox; they never open one.
   List, bulk and no-reply mail opens a ticket like any other, without a confirmation.
4. Mail filters are tried in order; the first match applies. "Do not create a ticket"
   holds the message in the inbox; its other actions shape the new ticket.
5. A sender over the throttle limit waits in the inbox.
6. An unknown sender waits in the inbox when INBOUND_REVIEW_UNKNOWN_SENDERS is on,
   otherwise opens a ticket flagged "unknown contact" on the unknown-senders customer.
7. Otherwise a new ticket opens for the sender's customer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings

from ticketdesk.inbound.filters.matching import first_matching_filter
from ticketdesk.inbound.models import InboundMessage, InboundStatus, ReviewReason
from ticketdesk.inbound.parsing import ParsedMessage, parse_message
from ticketdesk.tickets.models import Message

from .delivery import append_to, note_from_agent, open_follow_up, open_ticket_from
from .senders import (
    agent_of,
    customer_of,
    find_contact,
    is_looping,
    is_throttled,
    unknown_senders_customer,
)
from .threads import find_ticket, is_our_mail, stored_message

if TYPE_CHECKING:
    from ticketdesk.customers.models import Contact
    from ticketdesk.inbound.filters.models import MailFilter
    from ticketdesk.tickets.models import Ticket

CLOSED_REPLY_NEW = "new"


@dataclass(frozen=True)
class Outcome:
    """Where a message went: a ticket message, or the inbox with a reason."""

    ticket: Ticket | None = None
    message: Message | None = None
    review_reason: str = ""
    mail_filter: MailFilter | None = None
    # A repeat delivery: ticket and message are those of the mail it repeats.
    repeat: bool = False


def fingerprint_of(parsed: ParsedMessage) -> str:
    """A hash of what a reader gets from the message: sender, subject, text, attachments.

    A repeat delivery (a second mailbox, an MTA retry) changes only trace headers.
    Sender and subject count: ticket systems (ServiceNow in the corpus) send each
    update of an incident under one Message-ID with the same body and a new subject,
    and a forged mail may copy a whole message under another sender.
    """
    subject = " ".join(parsed.subject.split())
    seen = f"{parsed.from_address.lower()}\0{subject}\0{parsed.text.strip()}"
    digest = hashlib.sha256(seen.encode("utf-8", "surrogatepass"))
    for item in sorted(hashlib.sha256(a.content).hexdigest() for a in parsed.attachments):
        digest.update(b"\0" + item.encode())
    return digest.hexdigest()


def route(inbound: InboundMessage, parsed: ParsedMessage) -> Outcome:
    """Decide and act for one message (see the module docstring); call inside a transaction."""
    others = _others_with_message_id(inbound)
    fingerprint = inbound.fingerprint or fingerprint_of(parsed)
    for other in others:
        if _fingerprint(other) == fingerprint:
            return Outcome(ticket=other.ticket, message=other.ticket_message, repeat=True)
    outcome = _route(inbound, parsed, reused=bool(others))
    if others and outcome.message is not None:
        Message.objects.filter(pk=outcome.message.pk).update(message_id_reused=True)
        outcome.message.message_id_reused = True
    return outcome


def _others_with_message_id(inbound: InboundMessage) -> list[InboundMessage]:
    """Other mail stored and routed under this message's Message-ID, first first."""
    if not inbound.message_id:
        return []
    others = InboundMessage.objects.only("fingerprint", "status", "ticket", "ticket_message")
    others = others.filter(message_id=inbound.message_id, processed_at__isnull=False)
    return [other for other in others.order_by("pk") if other.pk != inbound.pk]


def _fingerprint(inbound: InboundMessage) -> str:
    """The stored fingerprint; rows stored before there was one get it from their bytes."""
    if inbound.fingerprint or inbound.status == InboundStatus.FAILED:
        return inbound.fingerprint
    try:
        fingerprint = fingerprint_of(parse_message(inbound.raw_bytes))
    except Exception:  # it cannot be compared, so it is not the same content
        return ""
    InboundMessage.objects.filter(pk=inbound.pk).update(fingerprint=fingerprint)
    return fingerprint


def _route(inbound: InboundMessage, parsed: ParsedMessage, *, reused: bool) -> Outcome:
    existing = stored_message(parsed.message_id)
    if existing is not None and not reused:
        return Outcome(ticket=existing.ticket, message=existing, repeat=True)
    automatic = parsed.is_auto_reply or parsed.is_bounce or is_our_mail(parsed)
    contact = find_contact(parsed.from_address)
    ticket = existing.ticket if existing is not None else None
    ticket = ticket or find_ticket(parsed, raw=inbound.raw_bytes if automatic else None)
    if ticket is not None:
        return _into_ticket(ticket, parsed, contact=contact, automatic=automatic)
    if automatic:
        return Outcome(review_reason=ReviewReason.AUTOMATIC)
    mail_filter = first_matching_filter(parsed)
    if mail_filter is not None and mail_filter.skip_ticket:
        return Outcome(review_reason=ReviewReason.FILTERED, mail_filter=mail_filter)
    if is_throttled(parsed.from_address):
        return Outcome(review_reason=ReviewReason.THROTTLED, mail_filter=mail_filter)
    customer = customer_of(contact) if contact is not None else None
    if customer is None:
        if contact is None and settings.INBOUND_REVIEW_UNKNOWN_SENDERS:
            return Outcome(review_reason=ReviewReason.UNKNOWN_SENDER, mail_filter=mail_filter)
        customer = unknown_senders_customer()
    opened = open_ticket_from(parsed, customer=customer, contact=contact, mail_filter=mail_filter)
    return Outcome(ticket=opened, message=_opening_message(opened), mail_filter=mail_filter)


def _opening_message(ticket: Ticket) -> Message | None:
    """The first message of a ticket just opened (`open_ticket` hands it over)."""
    return getattr(ticket, "opening_message", None) or ticket.messages.first()


def _into_ticket(
    ticket: Ticket, parsed: ParsedMessage, *, contact: Contact | None, automatic: bool
) -> Outcome:
    if automatic:
        message = append_to(ticket, parsed, contact=contact, automatic=True)
        return Outcome(ticket=ticket, message=message)
    agent = agent_of(parsed.from_address) if contact is None else None
    if agent is not None:
        return Outcome(ticket=ticket, message=note_from_agent(ticket, parsed, agent=agent))
    if ticket.status.is_closed and settings.INBOUND_CLOSED_TICKET_REPLY == CLOSED_REPLY_NEW:
        follow_up = open_follow_up(ticket, parsed, contact=contact)
        return Outcome(ticket=follow_up, message=_opening_message(follow_up))
    looping = is_looping(ticket, parsed.from_address)
    message = append_to(ticket, parsed, contact=contact, automatic=looping)
    return Outcome(ticket=ticket, message=message)
