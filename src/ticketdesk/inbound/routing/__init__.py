"""The router: a parsed message becomes a ticket, a message on one, or waits in the inbox.

Order of decisions (first that applies):

1. A ticket message with the same Message-ID exists: nothing new (repeat delivery).
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

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings

from ticketdesk.inbound.filters.matching import first_matching_filter
from ticketdesk.inbound.models import ReviewReason
from ticketdesk.inbound.parsing import ParsedMessage

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
    from ticketdesk.inbound.models import InboundMessage
    from ticketdesk.tickets.models import Message, Ticket

CLOSED_REPLY_NEW = "new"


@dataclass(frozen=True)
class Outcome:
    """Where a message went: a ticket message, or the inbox with a reason."""

    ticket: Ticket | None = None
    message: Message | None = None
    review_reason: str = ""
    mail_filter: MailFilter | None = None


def route(inbound: InboundMessage, parsed: ParsedMessage) -> Outcome:
    """Decide and act for one message (see the module docstring); call inside a transaction."""
    existing = stored_message(parsed.message_id)
    if existing is not None:
        return Outcome(ticket=existing.ticket, message=existing)
    automatic = parsed.is_auto_reply or parsed.is_bounce or is_our_mail(parsed)
    contact = find_contact(parsed.from_address)
    ticket = find_ticket(parsed, raw=inbound.raw_bytes if automatic else None)
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
    return Outcome(ticket=opened, message=opened.messages.first(), mail_filter=mail_filter)


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
        return Outcome(ticket=follow_up, message=follow_up.messages.first())
    looping = is_looping(ticket, parsed.from_address)
    message = append_to(ticket, parsed, contact=contact, automatic=looping)
    return Outcome(ticket=ticket, message=message)
