"""A ticket's timeline: messages, notes and change events, oldest first, in fixed queries."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import reverse
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ticketdesk.core.html import sanitize_html
from ticketdesk.outbox.models import OutboundMail

from .models import EventAction, Message, MessageKind, Ticket, TicketEvent, TicketMail

# Events that only accompany a message already shown in the timeline.
MESSAGE_EVENTS = {
    EventAction.OPENED,
    EventAction.REPLIED,
    EventAction.CUSTOMER_WROTE,
    EventAction.NOTE_ADDED,
}


@dataclass
class TimelineEntry:
    """A message (customer, reply, note) or the events of one change-set."""

    kind: str
    at: datetime.datetime
    actor: str
    message: Message | None = None
    lines: list[str] = field(default_factory=list)
    # For a public reply: the e-mails that carry it and their delivery state.
    mails: list[OutboundMail] = field(default_factory=list)
    # Sanitized HTML of a mail, with its inline (cid:) images pointing at the attachments.
    html: str = ""


class ValueNames:
    """Current display names of the objects events point at, loaded in one query per model."""

    def __init__(self, events: list[TicketEvent]) -> None:
        keys: dict[type[models.Model], set[str]] = defaultdict(set)
        for event in events:
            model = _related_model(event.field)
            if model is not None:
                keys[model].update(k for k in (event.old_key, event.new_key) if k.isdigit())
        self.names = {
            (model, str(obj.pk)): str(obj)
            for model, pks in keys.items()
            for obj in model._default_manager.filter(pk__in=pks)
        }

    def display(self, field_name: str, key: str, stored: str) -> str:
        if not key and not stored:
            return "—"
        model = _related_model(field_name)
        if model is not None:
            return self.names.get((model, key), stored or "—")
        if isinstance(_ticket_field(field_name), models.DateField):
            try:
                return formats.date_format(datetime.date.fromisoformat(key), "SHORT_DATE_FORMAT")
            except ValueError:
                return stored
        return stored or "—"


def _ticket_field(name: str) -> models.Field | None:
    try:
        return Ticket._meta.get_field(name)
    except FieldDoesNotExist:  # "cc" and other pseudo-fields of events
        return None


def _related_model(name: str) -> type[models.Model] | None:
    ticket_field = _ticket_field(name)
    if isinstance(ticket_field, models.ForeignKey):
        return ticket_field.related_model
    return None


def field_label(name: str) -> str:
    ticket_field = _ticket_field(name)
    return capfirst(str(ticket_field.verbose_name)) if ticket_field else name


def describe_event(event: TicketEvent, names: ValueNames) -> str:
    """One human line for an event, e.g. "Priority: Normal → High"."""
    old = names.display(event.field, event.old_key, event.old_value)
    new = names.display(event.field, event.new_key, event.new_value)
    if event.action in {EventAction.CHANGED, EventAction.ASSIGNED}:
        return f"{field_label(event.field)}: {old} → {new}"
    if event.action == EventAction.FREED:
        return _("Freed (was assigned to %(user)s)") % {"user": old}
    if event.action == EventAction.ACCEPTED:
        return _("Accepted")
    if event.action == EventAction.CLOSED:
        return _("Ticket closed")
    if event.action == EventAction.REOPENED:
        return _("Ticket reopened")
    if event.action == EventAction.CC_ADDED:
        return _("Extra address added: %(email)s") % {"email": event.new_value}
    if event.action == EventAction.CC_REMOVED:
        return _("Extra address removed: %(email)s") % {"email": event.old_value}
    if event.action == EventAction.TIME_ADDED:
        return _("Time added: %(segment)s") % {"segment": time_summary(event.new_key, new)}
    if event.action == EventAction.TIME_CHANGED:
        return _("Time corrected: %(old)s → %(new)s") % {
            "old": time_summary(event.old_key, old),
            "new": time_summary(event.new_key, new),
        }
    if event.action == EventAction.TIME_DELETED:
        return _("Time deleted: %(segment)s") % {"segment": time_summary(event.old_key, old)}
    return capfirst(event.get_action_display())


def time_summary(key: str, comment: str) -> str:
    """'03.05.2024, 90 min, billable: comment' from a time event's key and value.

    Time events keep "<minutes>;<1|0 billable>;<YYYY-MM-DD>" as their key, so the
    timeline describes them without knowing the timekeeping app.
    """
    try:
        minutes, billable, day = key.split(";")
        date = formats.date_format(datetime.date.fromisoformat(day), "SHORT_DATE_FORMAT")
    except ValueError:
        return comment or "—"
    text = _("%(date)s, %(minutes)s min") % {"date": date, "minutes": minutes}
    text += ", " + (_("billable") if billable == "1" else _("not billable"))
    return f"{text}: {comment}" if comment and comment != "—" else text


def _actor(event: TicketEvent) -> str:
    if event.actor_id:
        return str(event.actor)
    return event.actor_label or _("System")


def build_timeline(ticket: Ticket) -> list[TimelineEntry]:
    """Messages and change events of the ticket, oldest first.

    Three queries for messages (with authors and attachments) and events, plus
    one per kind of object the events name; never one per entry.
    """
    messages = list(
        ticket.messages.select_related("author_user", "author_contact").prefetch_related(
            "attachments"
        )
    )
    events = list(
        ticket.events.exclude(action__in=MESSAGE_EVENTS)
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    names = ValueNames(events)
    mails = reply_mails(ticket)
    entries = [
        TimelineEntry(
            kind=m.kind,
            at=m.created_at,
            actor=m.author_display,
            message=m,
            mails=mails.get(m.pk, []) if m.kind == MessageKind.REPLY else [],
            html=display_html(m, ticket),
        )
        for m in messages
    ]
    for _changeset, group in groupby(events, key=lambda e: e.changeset):
        batch = list(group)
        entries.append(
            TimelineEntry(
                kind="event",
                at=batch[0].created_at,
                actor=_actor(batch[0]),
                lines=[describe_event(e, names) for e in batch],
            )
        )
    # Messages before the events of the same moment: a reply, then the status it set.
    entries.sort(key=lambda entry: (entry.at, entry.kind == "event"))
    return entries


def reply_mails(ticket: Ticket) -> dict[int, list[OutboundMail]]:
    """Outbox rows of the ticket's replies, by message id, in one query."""
    carrying = TicketMail.objects.filter(
        ticket=ticket, message__isnull=False, mail_message_id=models.OuterRef("message_id")
    ).values("message")[:1]
    rows = OutboundMail.objects.filter(
        message_id__in=TicketMail.objects.filter(ticket=ticket, message__isnull=False).values(
            "mail_message_id"
        )
    ).annotate(ticket_message=models.Subquery(carrying))
    by_message: dict[int, list[OutboundMail]] = defaultdict(list)
    for row in rows.order_by("created_at", "pk"):
        by_message[row.ticket_message].append(row)
    return by_message


_CID_SRC = re.compile(r'(\ssrc=")cid:([^"]*)(")', re.IGNORECASE)


def display_html(message: Message, ticket: Ticket) -> str:
    """The mail's HTML for the timeline: inline images served from our attachments."""
    if not message.html:
        return ""
    urls = {
        attachment.content_id.strip("<>").lower(): reverse(
            "tickets:attachment", args=[ticket.number, attachment.pk]
        )
        for attachment in message.attachments.all()
        if attachment.content_id
    }

    def point_at_attachment(match: re.Match[str]) -> str:
        url = urls.get(match.group(2).strip("<>").lower())
        return f"{match.group(1)}{url}{match.group(3)}" if url else ""

    # Sanitized first (mail stored before today's rules included): only cid: and data: images
    # survive, and the cid: ones are then pointed at our copy of the attachment.
    return _CID_SRC.sub(point_at_attachment, sanitize_html(message.html))
