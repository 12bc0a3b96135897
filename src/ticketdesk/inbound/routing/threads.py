"""Finding the ticket a message belongs to: its threading headers, then the subject's tag."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings

from ticketdesk.customers.models import Contact
from ticketdesk.inbound.parsing import ParsedMessage
from ticketdesk.outbox.headers import message_id_domain
from ticketdesk.tickets.models import Message, Ticket, TicketMail

# More ids than this in one message are not a conversation but noise; the nearest win.
MAX_THREAD_IDS = 50
# Delivery reports quote the failed message; its Message-ID is found in the first part.
BOUNCE_SCAN_BYTES = 1024 * 1024
_ANY_ID = rb"<([^<>\s@]{1,250}@%s)>"
# Reply and forward prefixes of common mail clients, in the languages our customers use.
REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|aw|wg|fwd?|fw|sv|vs|antw|tr|rv|enc|r)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+",
    re.IGNORECASE,
)


def bracketed(message_id: str) -> str:
    return message_id if message_id.startswith("<") else f"<{message_id}>"


def ticket_by_message_ids(ids: Iterable[str]) -> Ticket | None:
    """The ticket of the nearest id that is one of our mails or a stored ticket message."""
    ids = [i.strip("<>") for i in ids if i][:MAX_THREAD_IDS]
    if not ids:
        return None
    wanted = [bracketed(i) for i in ids]
    found: dict[str, int] = {}
    mails = TicketMail.objects.filter(mail_message_id__in=wanted)
    for message_id, ticket_id in mails.values_list("mail_message_id", "ticket_id"):
        found.setdefault(message_id.strip("<>"), ticket_id)
    messages = Message.objects.filter(message_id__in=[*wanted, *ids])
    for message_id, ticket_id in messages.values_list("message_id", "ticket_id"):
        found.setdefault(message_id.strip("<>"), ticket_id)
    for message_id in ids:
        if message_id in found:
            return Ticket.objects.select_related("status").get(pk=found[message_id])
    return None


def ids_quoted_in(raw: bytes) -> list[str]:
    """Our own Message-IDs quoted anywhere in a message (a bounce's returned headers)."""
    domain = re.escape(message_id_domain().encode())
    pattern = re.compile(_ANY_ID % domain, re.IGNORECASE)
    found = [m.decode("ascii", "replace") for m in pattern.findall(raw[:BOUNCE_SCAN_BYTES])]
    return list(dict.fromkeys(found))[:MAX_THREAD_IDS]


def _tag_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(strong, weak): `[#T-12]`, `#T-12`, `T-12` name a ticket; a bare `#12` only hints."""
    prefix = re.escape(settings.TICKET_NUMBER_PREFIX)
    if prefix:
        strong = rf"\[#?{prefix}(\d{{1,18}})\]|(?<![\w-])#?{prefix}(\d{{1,18}})\b"
    else:
        strong = r"\[#(\d{1,18})\]"
    weak = r"(?<![\w&#])#(\d{1,18})\b"
    return re.compile(strong, re.IGNORECASE), re.compile(weak)


def subject_numbers(subject: str) -> tuple[list[int], list[int]]:
    """Ticket numbers named in a subject: (strong tags, weak `#123` hints), in order."""
    strong, weak = _tag_patterns()
    strong_numbers = [int(a or b) for a, b in _pairs(strong.findall(subject))]
    weak_numbers = [int(n) for n in weak.findall(subject) if int(n) not in strong_numbers]
    return strong_numbers, weak_numbers


def _pairs(found: list[str | tuple[str, ...]]) -> list[tuple[str, str]]:
    return [(item, "") if isinstance(item, str) else (item[0], item[-1]) for item in found]


def strip_subject_tags(subject: str) -> str:
    """The subject without reply prefixes and ticket tags (for a follow-up ticket)."""
    strong, _weak = _tag_patterns()
    cleaned = REPLY_PREFIX.sub("", subject)
    cleaned = REPLY_PREFIX.sub("", strong.sub("", cleaned))
    return " ".join(cleaned.split())


def ticket_by_subject(subject: str, sender: str) -> Ticket | None:
    """The ticket a subject tag names; a bare `#123` counts only for someone on that ticket."""
    strong, weak = subject_numbers(subject)
    tickets = Ticket.objects.select_related("status", "requester")
    for number in strong:
        ticket = tickets.filter(number=number).first()
        if ticket is not None:
            return ticket
    for number in weak:
        ticket = tickets.filter(number=number).first()
        if ticket is not None and sender_belongs_to(ticket, sender):
            return ticket
    return None


def sender_belongs_to(ticket: Ticket, sender: str) -> bool:
    """The address is the ticket's requester, a copied address or a contact of its customer."""
    sender = sender.strip().lower()
    if not sender:
        return False
    requester = ticket.requester.email if ticket.requester_id else ""
    if sender in {requester.lower(), ticket.requester_email.lower()}:
        return True
    if ticket.cc_addresses.filter(email__iexact=sender).exists():
        return True
    return Contact.objects.by_email(sender).filter(customers=ticket.customer_id).exists()


def find_ticket(parsed: ParsedMessage, *, raw: bytes | None = None) -> Ticket | None:
    """Threading headers first, then the subject tag; with `raw`, also ids quoted inside."""
    ticket = ticket_by_message_ids(parsed.thread_ids)
    if ticket is None:
        ticket = ticket_by_subject(parsed.subject, parsed.from_address)
    if ticket is None and raw is not None:
        ticket = ticket_by_message_ids(ids_quoted_in(raw))
    return ticket


def stored_message(message_id: str) -> Message | None:
    """A ticket message already recorded under this Message-ID (a repeat delivery)."""
    if not message_id:
        return None
    ids = {message_id, bracketed(message_id)}
    # Most mail is new: ask with a narrow query first, load the message only when found.
    found = Message.objects.filter(message_id__in=ids).order_by("pk").values("pk")[:1]
    if not found:
        return None
    return Message.objects.select_related("ticket").get(pk=found[0]["pk"])


def is_our_mail(parsed: ParsedMessage) -> bool:
    """Mail we sent ourselves, come back (our address as sender, or one of our ids)."""
    if parsed.from_address and parsed.from_address.lower() == settings.SUPPORT_EMAIL.lower():
        return True
    if not parsed.message_id:
        return False
    return TicketMail.objects.filter(mail_message_id=bracketed(parsed.message_id)).exists()
