"""E-mail about tickets: which mails went out for a ticket, and editable notification texts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .ticket import Ticket
from .timeline import Message


class NotificationEvent(models.TextChoices):
    OPENED = "opened", _("Ticket opened (confirmation)")
    UPDATED = "updated", _("Ticket changed (status, priority, category, date)")
    REPLY = "reply", _("Public reply")
    CLOSED = "closed", _("Ticket closed")
    CUSTOMER_WROTE = "customer_wrote", _("Customer wrote (notice to the assignee)")
    SLA_WARNING = "sla_warning", _("SLA target at risk (notice to the assignee or team)")
    SLA_BREACHED = "sla_breached", _("SLA target missed (notice to the assignee or team)")


class Audience(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    AGENT = "agent", _("Agent")


class TicketMailQuerySet(models.QuerySet["TicketMail"]):
    def customer_thread(self, ticket: Ticket) -> TicketMailQuerySet:
        return self.filter(ticket=ticket, audience=Audience.CUSTOMER).order_by("created_at", "pk")


class TicketMail(models.Model):
    """An e-mail queued about a ticket; its Message-ID threads later mail both ways."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="mails", verbose_name=_("ticket")
    )
    message = models.ForeignKey(
        Message,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mails",
        verbose_name=_("message"),
    )
    mail_message_id = models.CharField(_("Message-ID"), max_length=998, db_index=True)
    event = models.CharField(_("event"), max_length=20, choices=NotificationEvent.choices)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = TicketMailQuerySet.as_manager()

    class Meta:
        verbose_name = _("ticket e-mail")
        verbose_name_plural = _("ticket e-mails")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.mail_message_id


class NotificationTemplate(models.Model):
    """An administrator's wording of one notification in one language.

    Without a row the built-in text of `tickets.notification_texts` is used.
    """

    event = models.CharField(_("event"), max_length=20, choices=NotificationEvent.choices)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=250)
    text = models.TextField(_("plain text"))
    html = models.TextField(
        _("HTML"), blank=True, help_text=_("Leave empty to derive the HTML from the plain text.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification text")
        verbose_name_plural = _("notification texts")
        ordering = ["event", "language"]
        constraints = [
            models.UniqueConstraint(fields=["event", "language"], name="notification_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} ({self.language})"


class SlaTarget(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("first response")
    RESOLUTION = "resolution", _("resolution")


class SlaWarning(models.Model):
    """A warning sent about one target of a ticket: at most one per ticket, target and event."""

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="sla_warnings", verbose_name=_("ticket")
    )
    target = models.CharField(_("target"), max_length=20, choices=SlaTarget.choices)
    event = models.CharField(_("event"), max_length=20, choices=NotificationEvent.choices)
    due_at = models.DateTimeField(_("due"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("SLA warning")
        verbose_name_plural = _("SLA warnings")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "target", "event"], name="sla_warning_once_per_target"
            )
        ]
