"""What happens on a ticket: messages, attachments and change events."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .ticket import Ticket


class MessageKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer message")
    REPLY = "reply", _("Public reply")
    NOTE = "note", _("Internal note")


class MessageQuerySet(models.QuerySet["Message"]):
    def public(self) -> MessageQuerySet:
        return self.exclude(kind=MessageKind.NOTE)


class Message(models.Model):
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="messages", verbose_name=_("ticket")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKind.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    author_contact = models.ForeignKey(
        "customers.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact"),
    )
    author_email = models.EmailField(_("author e-mail"), blank=True)
    author_name = models.CharField(_("author name"), max_length=200, blank=True)
    text = models.TextField(_("text"), blank=True)
    # Quoted history and signature of an e-mail reply: kept, shown folded under the text.
    quoted_text = models.TextField(_("quoted text"), blank=True)
    html = models.TextField(_("sanitized HTML"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Threading headers, kept so later mail can be matched to this message.
    message_id = models.CharField(_("Message-ID"), max_length=998, blank=True, db_index=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=998, blank=True)
    references = models.TextField(_("References"), blank=True)
    is_automatic = models.BooleanField(
        _("automatic"), default=False, help_text=_("An auto-reply or delivery report.")
    )
    # Another mail arrived under the Message-ID of a message already on record (broken
    # mailers, scanners, or a spoofed ID): agents see it marked.
    message_id_reused = models.BooleanField(
        _("Message-ID reused"),
        default=False,
        help_text=_("An e-mail with the Message-ID of an earlier, different e-mail."),
    )
    changeset = models.UUIDField(_("change-set"), null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="message_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_note(self) -> bool:
        return self.kind == MessageKind.NOTE

    @property
    def author_display(self) -> str:
        # A customer's request typed in by an agent (phone) is still the customer's message.
        if self.author_contact_id and (
            self.kind == MessageKind.CUSTOMER or not self.author_user_id
        ):
            return self.author_contact.name
        if self.author_user_id:
            return str(self.author_user)
        return self.author_name or self.author_email


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}/{filename}"


class Attachment(models.Model):
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("ticket")
    )
    message = models.ForeignKey(
        Message,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("message"),
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=500)
    name = models.CharField(_("name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    content_type = models.CharField(
        _("content type"), max_length=255, default="application/octet-stream"
    )
    content_id = models.CharField(_("Content-ID"), max_length=255, blank=True)
    is_inline = models.BooleanField(_("inline"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name


class EventAction(models.TextChoices):
    OPENED = "opened", _("opened")
    CHANGED = "changed", _("changed")
    ACCEPTED = "accepted", _("accepted")
    ASSIGNED = "assigned", _("assigned")
    FREED = "freed", _("freed")
    REPLIED = "replied", _("replied")
    CUSTOMER_WROTE = "customer_wrote", _("customer wrote")
    NOTE_ADDED = "note_added", _("note added")
    CLOSED = "closed", _("closed")
    REOPENED = "reopened", _("reopened")
    CC_ADDED = "cc_added", _("address added")
    CC_REMOVED = "cc_removed", _("address removed")
    TIME_ADDED = "time_added", _("time added")
    TIME_CHANGED = "time_changed", _("time corrected")
    TIME_DELETED = "time_deleted", _("time deleted")


class TicketEvent(models.Model):
    """One change to a ticket; events saved together share a change-set id."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="events", verbose_name=_("ticket")
    )
    changeset = models.UUIDField(_("change-set"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_label = models.CharField(
        _("by (text)"),
        max_length=200,
        blank=True,
        help_text=_(
            "Who acted when it was not an agent: a contact, an e-mail address, the system."
        ),
    )
    action = models.CharField(_("action"), max_length=20, choices=EventAction.choices)
    field = models.CharField(_("field"), max_length=50, blank=True)
    old_value = models.CharField(_("old value"), max_length=250, blank=True)
    new_value = models.CharField(_("new value"), max_length=250, blank=True)
    old_key = models.CharField(_("old key"), max_length=50, blank=True)
    new_key = models.CharField(_("new key"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="event_ticket_idx"),
            # Reports count reopenings in a date range: few rows among millions of events.
            models.Index(
                fields=["created_at", "ticket"],
                name="event_reopened_idx",
                condition=models.Q(action=EventAction.REOPENED),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.field}".strip()
