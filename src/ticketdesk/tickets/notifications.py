"""Notification rules: turn a recorded change-set into outgoing e-mail.

`changeset_recorded` is called by every ticket service inside its transaction,
after the events are written, so a mail exists exactly when its change does:
a rollback removes both. The outbox sends what is queued here after commit.

One change-set makes at most one mail per recipient group: the confirmation of
a new ticket, the agent's reply, the closing notice, or one "changed" mail
listing every customer-visible change. Internal notes and assignment changes
never reach the customer; the assignee hears about customer messages.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models.functions import Lower
from django.utils import formats, timezone, translation
from django.utils.html import escape, linebreaks

from ticketdesk.core.config_cache import cached
from ticketdesk.outbox.headers import normalize_message_id
from ticketdesk.outbox.models import MailKind
from ticketdesk.outbox.services import MailAttachment, queue_mail

from .models import (
    Audience,
    EventAction,
    Message,
    MessageKind,
    NotificationEvent,
    NotificationTemplate,
    SlaTarget,
    Ticket,
    TicketCC,
    TicketMail,
)
from .notification_texts import DEFAULT_TEXTS, NotificationText
from .placeholders import substitute, substitute_html
from .timeline import ValueNames, describe_event

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User
    from ticketdesk.tickets.services.changesets import ChangeSet

CUSTOMER_VISIBLE_FIELDS = {"priority", "category", "status", "estimated_resolution_date"}
# RFC 5322 §3.6.4 lets a long References header be trimmed; keep the root and the newest.
MAX_REFERENCES = 20


_suppressed: ContextVar[bool] = ContextVar("notifications_suppressed", default=False)


@contextmanager
def suppressed() -> Iterator[None]:
    """No mail for change-sets recorded inside: backdated history (demo data, imports)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def changeset_recorded(changeset: ChangeSet) -> None:
    """Queue the e-mails a change-set causes (rules in the module docstring)."""
    if changeset.notify.get("suppress") or _suppressed.get():
        return
    actions = {event.action for event in changeset.events}
    if EventAction.OPENED in actions:
        notify_customer(changeset, NotificationEvent.OPENED)
    elif EventAction.REPLIED in actions:
        notify_customer(changeset, NotificationEvent.REPLY)
        if changeset.notify.get("assignee"):
            notify_assignee(changeset, NotificationEvent.REPLY)
    elif EventAction.CUSTOMER_WROTE in actions:
        notify_assignee(changeset, NotificationEvent.CUSTOMER_WROTE)
    elif EventAction.CLOSED in actions and not customer_visible_changes(changeset) - {"status"}:
        notify_customer(changeset, NotificationEvent.CLOSED)
    elif customer_visible_changes(changeset):
        notify_customer(changeset, NotificationEvent.UPDATED)


def customer_visible_changes(changeset: ChangeSet) -> set[str]:
    """Changed fields the customer hears about; a status only if it notifies."""
    fields = set(changeset.changed_fields) & CUSTOMER_VISIBLE_FIELDS
    if "status" in fields and not changeset.ticket.status.notifies_customer:
        fields.discard("status")
    return fields


@dataclass
class RecipientGroup:
    language: str
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    name: str = ""


def customer_recipients(changeset: ChangeSet) -> list[RecipientGroup]:
    """Requester and copied addresses, grouped by language (one mail per language)."""
    ticket = changeset.ticket
    notify = changeset.notify
    customer_language = ticket.customer.language or settings.LANGUAGE_CODE
    groups: dict[str, RecipientGroup] = {}
    requester = ticket.requester
    if notify.get("requester", True):
        email = requester.email if requester and requester.is_active else ticket.requester_email
        if email:
            language = (requester.language if requester else "") or customer_language
            group = groups.setdefault(language, RecipientGroup(language))
            group.to.append(email)
            group.name = requester.name if requester else ""
    copied: list[TicketCC] = []
    if notify.get("cc", True) and changeset.copied is not None:
        copied = sorted(changeset.copied, key=lambda cc: cc.email)  # TicketCC's ordering
    elif notify.get("cc", True):
        copied = list(ticket.cc_addresses.filter(bounced_at__isnull=True))
    if copied:
        contact_languages = _contact_languages(ticket, {cc.email.lower() for cc in copied})
        for cc in copied:
            language = contact_languages.get(cc.email.lower()) or customer_language
            groups.setdefault(language, RecipientGroup(language)).cc.append(cc.email)
    for group in groups.values():
        if not group.to:
            group.to, group.cc = group.cc[:1], group.cc[1:]
        group.name = group.name or (requester.name if requester else ticket.customer.name)
    return [group for group in groups.values() if group.to]


def _contact_languages(ticket: Ticket, emails: set[str]) -> dict[str, str]:
    """The languages of the customer's contacts among `emails` (lower case), by address."""
    # Only those addresses: a customer may have thousands of contacts.
    contacts = ticket.customer.contacts.exclude(language="")
    contacts = contacts.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
    return {
        email.lower(): language for email, language in contacts.values_list("email", "language")
    }


def notify_customer(changeset: ChangeSet, event: str) -> None:
    message = changeset.message if event == NotificationEvent.REPLY else None
    opening = changeset.message if event == NotificationEvent.OPENED else None
    for group in customer_recipients(changeset):
        values = placeholder_values(changeset, event, group.language, recipient_name=group.name)
        text = notification_text(event, group.language)
        queue_ticket_mail(
            changeset.ticket,
            event=event,
            audience=Audience.CUSTOMER,
            to=group.to,
            cc=group.cc,
            language=group.language,
            text=text,
            values=values,
            message=message,
            opening=opening,
        )


def notify_assignee(changeset: ChangeSet, event: str) -> None:
    ticket = changeset.ticket
    assignee = ticket.assignee
    if assignee is None or not assignee.is_active or assignee == changeset.by:
        return
    language = assignee.language or settings.LANGUAGE_CODE
    values = placeholder_values(changeset, event, language, recipient_name="")
    values["agent_name"] = assignee.get_full_name()
    queue_ticket_mail(
        ticket,
        event=NotificationEvent.CUSTOMER_WROTE,
        audience=Audience.AGENT,
        to=[assignee.email],
        cc=[],
        language=language,
        text=notification_text(NotificationEvent.CUSTOMER_WROTE, language),
        values=values,
        message=None,
    )


def notification_text(event: str, language: str) -> NotificationText:
    """The administrator's wording if configured, else the built-in text."""
    custom = cached(
        f"tickets.notification_text.{event}.{language}",
        NotificationTemplate.objects.filter(event=event, language=language).first,
    )
    if custom is not None:
        return NotificationText(custom.subject, custom.text, custom.html)
    return DEFAULT_TEXTS[(event, language if (event, language) in DEFAULT_TEXTS else "en")]


def placeholder_values(
    changeset: ChangeSet, event: str, language: str, *, recipient_name: str
) -> dict[str, str]:
    ticket = changeset.ticket
    by: User | None = changeset.by
    with translation.override(language):
        visible = customer_visible_changes(changeset)
        changed = [
            e for e in changeset.events if e.action == EventAction.CHANGED and e.field in visible
        ]
        names = ValueNames(changed)
        changes = [describe_event(event, names) for event in changed]
        return {
            "ticket_number": ticket.reference,
            "ticket_subject": ticket.subject,
            "customer_name": ticket.customer.name,
            "contact_name": recipient_name,
            "status": str(ticket.status),
            "priority": str(ticket.priority),
            "changes": "\n".join(f"• {line}" for line in changes),
            "message": changeset.message.text if changeset.message else "",
            "agent_name": by.get_full_name() if by else "",
            "support_email": settings.SUPPORT_EMAIL,
            "sla_target": "",
            "sla_due": _format_moment(ticket.target_resolution_at),
        }


def _format_moment(moment: datetime.datetime | None) -> str:
    """A moment in the instance's time zone, in the active language's short format."""
    if moment is None:
        return ""
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def sla_placeholder_values(
    ticket: Ticket, *, target: str, due: datetime.datetime, language: str, agent_name: str
) -> dict[str, str]:
    """Values for an SLA warning about `target` (an SlaTarget value) to one agent."""
    with translation.override(language):
        return {
            "ticket_number": ticket.reference,
            "ticket_subject": ticket.subject,
            "customer_name": ticket.customer.name,
            "contact_name": ticket.requester.name if ticket.requester else ticket.requester_email,
            "status": str(ticket.status),
            "priority": str(ticket.priority),
            "changes": "",
            "message": "",
            "agent_name": agent_name,
            "support_email": settings.SUPPORT_EMAIL,
            "sla_target": str(SlaTarget(target).label),
            "sla_due": _format_moment(due),
        }


def render_notification(text: NotificationText, values: dict[str, str]) -> tuple[str, str, str]:
    """Subject, plain text and HTML with placeholders filled (never evaluated)."""
    subject = substitute(text.subject, values)
    body = substitute(text.text, values)
    if text.html:
        html = substitute_html(text.html, values)
    else:
        html = f"<!doctype html><html><body>{linebreaks(escape(body))}</body></html>"
    return subject, body, html


def subject_tag(ticket: Ticket) -> str:
    return f"[#{ticket.reference}]"


def thread_ids(ticket: Ticket, *, opening: Message | None = None) -> list[str]:
    """Message-IDs of the customer-facing conversation, oldest first.

    With `opening` (the first message of a ticket just opened) that message is the
    whole conversation, and the database need not be asked.
    """
    if opening is not None:
        return _normalized_ids([opening.message_id] if opening.message_id else [])
    ours = TicketMail.objects.customer_thread(ticket).values_list("created_at", "mail_message_id")
    theirs = (
        Message.objects.filter(ticket=ticket, kind=MessageKind.CUSTOMER)
        .exclude(message_id="")
        .values_list("created_at", "message_id")
    )
    ids = _normalized_ids(raw_id for _at, raw_id in sorted([*ours, *theirs]))
    if len(ids) > MAX_REFERENCES:
        ids = [ids[0], *ids[-(MAX_REFERENCES - 1) :]]
    return ids


def _normalized_ids(raw_ids: Iterable[str]) -> list[str]:
    ids: list[str] = []
    for raw_id in raw_ids:
        try:
            ids.append(normalize_message_id(raw_id))
        except ValueError:
            continue  # a malformed foreign Message-ID must not block the mail
    return ids


def queue_ticket_mail(
    ticket: Ticket,
    *,
    event: str,
    audience: str,
    to: list[str],
    cc: list[str],
    language: str,
    text: NotificationText,
    values: dict[str, str],
    message: Message | None,
    opening: Message | None = None,
) -> None:
    subject, body, html = render_notification(text, values)
    references = thread_ids(ticket, opening=opening) if audience == Audience.CUSTOMER else []
    is_reply = event == NotificationEvent.REPLY and audience == Audience.CUSTOMER
    attachments = [
        MailAttachment(path=a.file.name, filename=a.name, mimetype=a.content_type)
        for a in (message.attachments.all() if message else [])
    ]
    mail = queue_mail(
        to=to,
        cc=cc,
        subject=f"{subject_tag(ticket)} {subject}",
        text=body,
        html=html,
        auto_generated=not is_reply,
        kind=MailKind.REPLY if is_reply else MailKind.NOTIFICATION,
        in_reply_to=references[-1] if references else "",
        references=references,
        attachments=attachments,
        reference=ticket.reference,
        language=language,
    )
    TicketMail.objects.create(
        ticket=ticket,
        message=message,
        mail_message_id=mail.message_id,
        event=event,
        audience=audience,
    )
    if message is not None and not message.message_id:
        message.message_id = mail.message_id
        message.save(update_fields=["message_id"])
