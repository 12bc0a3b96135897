"""Decisions on messages in the incoming-mail inbox: open a ticket, append, discard, purge."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ticketdesk.inbound.models import InboundMessage, InboundMessageQuerySet, InboundStatus
from ticketdesk.inbound.parsing import ParsedMessage, parse_message
from ticketdesk.inbound.routing.delivery import append_to, open_ticket_from
from ticketdesk.inbound.routing.senders import find_contact
from ticketdesk.tickets.models import Message, Source, Ticket
from ticketdesk.tickets.services import AttachmentInput, add_customer_message, open_ticket
from ticketdesk.tickets.services.attachments import atomic_with_files

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User
    from ticketdesk.customers.models import Contact, Customer

NOT_AN_AGENT = _("Only agents and administrators decide on incoming mail.")
ALREADY_DECIDED = _("This message has already been decided: it is in a ticket or discarded.")
UNPARSEABLE_SUBJECT = _("Unreadable e-mail from %(sender)s")
UNPARSEABLE_TEXT = _(
    "This e-mail could not be read (%(error)s). Its raw source is attached as message.eml."
)


def _lock_waiting(inbound: InboundMessage, by: User) -> InboundMessage:
    if not by.is_agent:
        raise PermissionDenied(NOT_AN_AGENT)
    locked = InboundMessage.objects.select_for_update().get(pk=inbound.pk)
    if not InboundMessage.objects.needing_decision().filter(pk=locked.pk).exists():
        raise ValidationError(ALREADY_DECIDED, code="already_decided")
    return locked


def parsed_or_none(inbound: InboundMessage) -> ParsedMessage | None:
    if inbound.status == InboundStatus.FAILED:
        return None
    try:
        return parse_message(inbound.raw_bytes)
    except Exception:  # shown as unreadable, never lost
        return None


def _raw_attachment(inbound: InboundMessage) -> AttachmentInput:
    return AttachmentInput(
        name="message.eml", content=inbound.raw_bytes, content_type="message/rfc822"
    )


def _contact_of(inbound: InboundMessage, customer: Customer) -> Contact | None:
    contact = find_contact(inbound.from_address)
    if contact is not None and contact.customers.filter(pk=customer.pk).exists():
        return contact
    return None


def _decided(inbound: InboundMessage, by: User, *, ticket: Ticket, message: Message) -> None:
    inbound.ticket, inbound.ticket_message = ticket, message
    if inbound.status == InboundStatus.NEEDS_REVIEW:
        inbound.status = InboundStatus.PARSED
    inbound.decided_at = inbound.processed_at = timezone.now()
    inbound.decided_by = by
    inbound.save(
        update_fields=[
            "ticket",
            "ticket_message",
            "status",
            "decided_at",
            "decided_by",
            "processed_at",
        ]
    )


@atomic_with_files()
def create_ticket_from_inbound(inbound: InboundMessage, *, customer: Customer, by: User) -> Ticket:
    """Open a ticket for `customer` from a waiting message (the agent's decision).

    The sender becomes the requester when they are a contact of that customer,
    otherwise the ticket is flagged "unknown contact". An unreadable message opens a
    ticket with its raw source attached. The confirmation mail goes out as usual.
    """
    inbound = _lock_waiting(inbound, by)
    parsed = parsed_or_none(inbound)
    contact = _contact_of(inbound, customer)
    if parsed is not None:
        mail_filter = inbound.mail_filter
        if mail_filter is not None and mail_filter.skip_ticket:
            mail_filter = None
        ticket = open_ticket_from(
            parsed, customer=customer, contact=contact, mail_filter=mail_filter, by=by
        )
    else:
        sender = inbound.from_address or gettext("unknown sender")
        ticket = open_ticket(
            customer=customer,
            subject=gettext(UNPARSEABLE_SUBJECT) % {"sender": sender},
            text=gettext(UNPARSEABLE_TEXT) % {"error": inbound.parse_error or "?"},
            by=by,
            requester=contact,
            requester_email="" if contact else inbound.from_address,
            source=Source.EMAIL,
            attachments=[_raw_attachment(inbound)],
            unknown_contact=contact is None,
        )
    _decided(inbound, by, ticket=ticket, message=ticket.messages.first())
    return ticket


@atomic_with_files()
def append_inbound_to_ticket(inbound: InboundMessage, *, ticket: Ticket, by: User) -> Message:
    """Add a waiting message to `ticket` as a customer message (the agent's decision).

    Auto-replies and bounces stay automatic (no status change, no mail, bounces mark
    the failed address); other mail behaves like a customer reply.
    """
    inbound = _lock_waiting(inbound, by)
    parsed = parsed_or_none(inbound)
    if parsed is not None:
        automatic = parsed.is_auto_reply or parsed.is_bounce
        contact = find_contact(parsed.from_address)
        message = append_to(ticket, parsed, contact=contact, automatic=automatic)
    else:
        changeset = add_customer_message(
            ticket,
            text=gettext(UNPARSEABLE_TEXT) % {"error": inbound.parse_error or "?"},
            email=inbound.from_address,
            attachments=[_raw_attachment(inbound)],
        )
        message = changeset.message
    _decided(inbound, by, ticket=ticket, message=message)
    return message


@transaction.atomic
def discard_inbound(inbound: InboundMessage, *, by: User) -> InboundMessage:
    """Discard a waiting message: kept INBOUND_DISCARD_KEEP_DAYS days, then purged."""
    inbound = _lock_waiting(inbound, by)
    inbound.status = InboundStatus.DISCARDED
    inbound.decided_at = inbound.processed_at = timezone.now()
    inbound.decided_by = by
    inbound.save(update_fields=["status", "decided_at", "decided_by", "processed_at"])
    if not _discarded().exclude(pk=inbound.pk).exists():
        # Otherwise a purge run is already waiting for the older ones and re-schedules.
        from .tasks import schedule_purge

        transaction.on_commit(lambda: schedule_purge(at=purge_due_at(inbound)), robust=True)
    return inbound


def _discarded() -> InboundMessageQuerySet:
    return InboundMessage.objects.without_raw().filter(status=InboundStatus.DISCARDED)


def purge_due_at(inbound: InboundMessage) -> datetime:
    return (inbound.decided_at or timezone.now()) + timedelta(
        days=settings.INBOUND_DISCARD_KEEP_DAYS
    )


def next_purge_at() -> datetime | None:
    """When the oldest remaining discarded message is due for purging."""
    oldest = _discarded().order_by("decided_at").first()
    return purge_due_at(oldest) if oldest is not None else None


def purge_discarded() -> int:
    """Delete discarded messages older than the retention, raw files included."""
    cutoff = timezone.now() - timedelta(days=settings.INBOUND_DISCARD_KEEP_DAYS)
    expired = _discarded().filter(decided_at__lt=cutoff)
    count = 0
    for inbound in expired.iterator():
        if inbound.raw_file:
            inbound.raw_file.delete(save=False)
        inbound.delete()
        count += 1
    return count
