"""Webhook subscriptions and their delivery outbox (one row per event and subscription)."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticketdesk.core.crypto import EncryptedTextField
from ticketdesk.core.models import TimeStampedModel


class WebhookEvent(models.TextChoices):
    TICKET_CREATED = "ticket.created", _("Ticket created")
    TICKET_UPDATED = "ticket.updated", _("Ticket updated")
    TICKET_CLOSED = "ticket.closed", _("Ticket closed")
    MESSAGE_CREATED = "message.created", _("Message created")
    RATING_CREATED = "rating.created", _("Rating created")


# Sent only by "Send test", whatever the subscription's events.
PING_EVENT = "ping"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


# As in the e-mail outbox: `sending` rows whose lease ran out (their worker died) are due again.
PENDING_STATUSES = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING)


class WebhookSubscription(TimeStampedModel):
    url = models.URLField(_("URL"), max_length=2000)
    # Needed in clear to sign, so encrypted at rest rather than hashed.
    secret = EncryptedTextField(_("secret"))
    events = models.JSONField(_("events"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    disabled_at = models.DateTimeField(_("disabled automatically"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["url", "pk"]

    def __str__(self) -> str:
        return self.url

    def event_labels(self) -> list[str]:
        labels = dict(WebhookEvent.choices)
        return [str(labels.get(event, event)) for event in self.events]


class WebhookDeliveryQuerySet(models.QuerySet["WebhookDelivery"]):
    def due(self, now: datetime | None = None) -> WebhookDeliveryQuerySet:
        """Rows to send now: queued and due, or `sending` past their lease."""
        return self.filter(
            status__in=PENDING_STATUSES, next_attempt_at__lte=now or timezone.now()
        ).order_by("next_attempt_at")

    def pending(self) -> WebhookDeliveryQuerySet:
        return self.filter(status__in=PENDING_STATUSES)

    def finished_before(self, moment: datetime) -> WebhookDeliveryQuerySet:
        """Delivered or failed rows created before `moment`; never waiting ones."""
        return self.exclude(status__in=PENDING_STATUSES).filter(created_at__lt=moment)


class WebhookDelivery(models.Model):
    """One event for one subscription: the body as it goes over the wire, and its delivery state.

    `uuid` is the delivery id receivers use for idempotency: every attempt, also the one
    after a killed worker's lease ran out, sends the same id and the same body.
    """

    uuid = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("subscription"),
    )
    event = models.CharField(_("event"), max_length=40)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_by = models.CharField(_("claimed by"), max_length=64, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    response_snippet = models.CharField(_("response"), max_length=500, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=PENDING_STATUSES),
                name="webhook_due_idx",
            ),
            models.Index(fields=["subscription", "-created_at"], name="webhook_log_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.uuid}"
