"""The outbox table: one row per outgoing e-mail, from queueing to delivery."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticketdesk.core.models import TimeStampedModel


class MailStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class MailKind(models.TextChoices):
    NOTIFICATION = "notification", _("Notification")
    REPLY = "reply", _("Reply")


# Rows a sender may claim: queued ones, and `sending` ones whose lease ran out
# (their worker died). One partial index serves the sender's query.
PENDING_STATUSES = (MailStatus.QUEUED, MailStatus.SENDING)
# An administrator may push these back to "due now".
RETRYABLE_STATUSES = (MailStatus.FAILED, MailStatus.QUEUED)


class OutboundMailQuerySet(models.QuerySet["OutboundMail"]):
    def due(self, now: datetime | None = None) -> OutboundMailQuerySet:
        """Rows to send now: queued and due, or `sending` past their lease."""
        return self.filter(
            status__in=PENDING_STATUSES, next_attempt_at__lte=now or timezone.now()
        ).order_by("next_attempt_at")

    def pending(self) -> OutboundMailQuerySet:
        return self.filter(status__in=PENDING_STATUSES)

    def for_reference(self, reference: str) -> OutboundMailQuerySet:
        return self.filter(reference=reference)

    def sent_before(self, moment: datetime) -> OutboundMailQuerySet:
        """Delivered rows sent before `moment` (what housekeeping may remove); never others."""
        return self.filter(status=MailStatus.SENT, sent_at__lt=moment)

    def matching(self, *, status: str = "", reference: str = "") -> OutboundMailQuerySet:
        """The outbox page's filters; blank means any."""
        mails = self.filter(status=status) if status else self
        return mails.for_reference(reference) if reference else mails


class OutboundMail(TimeStampedModel):
    """An e-mail as it will go over the wire, plus its delivery state.

    For a row in `sending`, `next_attempt_at` is the end of the worker's lease:
    once it has passed, the row is due again and is resent with the same
    Message-ID.
    """

    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    from_email = models.CharField(_("from"), max_length=320)
    to = models.JSONField(_("to"), default=list)
    cc = models.JSONField(_("cc"), default=list, blank=True)
    reply_to = models.JSONField(_("reply-to"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=998)
    text_body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=MailKind.choices, default=MailKind.NOTIFICATION
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=10, blank=True)

    status = models.CharField(
        _("status"), max_length=10, choices=MailStatus.choices, default=MailStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_by = models.CharField(_("claimed by"), max_length=64, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = OutboundMailQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=PENDING_STATUSES),
                name="outbox_due_idx",
            ),
            models.Index(fields=["status", "-created_at"], name="outbox_status_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} {self.subject}"

    @property
    def is_auto_generated(self) -> bool:
        return "Auto-Submitted" in self.headers

    @property
    def can_retry(self) -> bool:
        return self.status in RETRYABLE_STATUSES
