"""Incoming messages as received: raw bytes first, parse results and routing outcome after."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticketdesk.core.crypto import EncryptedTextField


class InboundSource(models.TextChoices):
    PIPE = "pipe", _("MTA pipe")
    FILE = "file", _("File")
    IMAP = "imap", _("IMAP")
    API = "api", _("API")


class InboundStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PARSED = "parsed", _("Parsed")
    FAILED = "failed", _("Failed")
    NEEDS_REVIEW = "needs_review", _("Needs review")
    DISCARDED = "discarded", _("Discarded")
    # The same Message-ID with the same content (text and attachments) as a message
    # stored before, with other bytes (another mailbox's Received lines): shown nowhere.
    REPEAT = "repeat", _("Repeat delivery")


class ReviewReason(models.TextChoices):
    UNPARSEABLE = "unparseable", _("Cannot be parsed")
    FILTERED = "filtered", _("Held by a mail filter")
    THROTTLED = "throttled", _("Sender throttled")
    UNKNOWN_SENDER = "unknown_sender", _("Unknown sender")
    AUTOMATIC = "automatic", _("Auto-reply or bounce without a ticket")
    ROUTING_FAILED = "routing_failed", _("Could not be added to a ticket")


class InboundMessageQuerySet(models.QuerySet["InboundMessage"]):
    def needing_decision(self) -> InboundMessageQuerySet:
        """Held or unparseable messages that no one has put into a ticket or discarded yet."""
        return self.filter(
            status__in=[InboundStatus.FAILED, InboundStatus.NEEDS_REVIEW], ticket__isnull=True
        )

    def without_raw(self) -> InboundMessageQuerySet:
        return self.defer("raw")


class InboundMessage(models.Model):
    """One received message. The raw bytes are the record; every other field is derived.

    Raw bytes live in the row (BinaryField) so that "stored" means one committed insert:
    no file written before or after the row, nothing to reconcile after a crash, one
    backup. Messages above INBOUND_RAW_IN_DB_MAX_BYTES (MTAs cap mail at 25-50 MB) go to
    a file under MEDIA named by their hash, written before the row, so a crash leaves at
    worst an unreferenced file that the same message re-uses when delivered again.
    """

    raw = models.BinaryField(_("raw message"), blank=True, editable=False)
    raw_file = models.FileField(_("raw message file"), blank=True, max_length=300, editable=False)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    # Of the bytes with line endings made LF: one message arriving as CRLF from an MTA
    # and as LF from a file is one message.
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True, editable=False)
    message_id = models.CharField(_("Message-ID"), max_length=998, blank=True, db_index=True)
    original = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reuses",
        verbose_name=_("first message with this Message-ID"),
    )
    # Hash of the text and the attachments' bytes, which decides whether a message with
    # a known Message-ID is a repeat delivery or other mail reusing the ID.
    fingerprint = models.CharField(_("content fingerprint"), max_length=64, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    source = models.CharField(_("source"), max_length=10, choices=InboundSource.choices)
    mailbox = models.CharField(_("mailbox"), max_length=200, blank=True)
    imap_uidvalidity = models.PositiveBigIntegerField(_("IMAP UIDVALIDITY"), null=True, blank=True)
    imap_uid = models.PositiveBigIntegerField(_("IMAP UID"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=InboundStatus.choices, default=InboundStatus.PENDING
    )
    parse_error = models.TextField(_("parse error"), blank=True)
    review_reason = models.CharField(
        _("review reason"), max_length=20, choices=ReviewReason.choices, blank=True
    )
    is_auto_reply = models.BooleanField(_("auto-reply"), default=False)
    is_bounce = models.BooleanField(_("delivery report"), default=False)
    bounced_recipients = models.JSONField(_("bounced recipients"), default=list, blank=True)
    from_address = models.CharField(_("sender"), max_length=320, blank=True)
    from_name = models.CharField(_("sender name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=998, blank=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name=_("ticket"),
    )
    ticket_message = models.ForeignKey(
        "tickets.Message",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_messages",
        verbose_name=_("ticket message"),
    )
    mail_filter = models.ForeignKey(
        "inbound.MailFilter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mail filter"),
        help_text=_("The filter that matched when the message was routed."),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    objects = InboundMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("incoming message")
        verbose_name_plural = _("incoming messages")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-received_at"], name="inbound_status_received_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject or self.message_id or self.sha256[:12]}"

    @property
    def raw_bytes(self) -> bytes:
        if self.raw_file:
            with default_storage.open(self.raw_file.name, "rb") as handle:
                return handle.read()
        return bytes(self.raw or b"")


class MailboxSecurity(models.TextChoices):
    TLS = "tls", _("TLS (IMAPS, usually port 993)")
    STARTTLS = "starttls", _("STARTTLS (usually port 143)")
    NONE = "none", _("None (unencrypted)")


class AfterImport(models.TextChoices):
    LEAVE = "leave", _("Leave it as it is")
    MARK_SEEN = "seen", _("Mark it as read")
    MOVE = "move", _("Move it to another folder")
    DELETE = "delete", _("Delete it")


class MailboxQuerySet(models.QuerySet["Mailbox"]):
    def active(self) -> MailboxQuerySet:
        return self.filter(is_active=True)


class Mailbox(models.Model):
    """An IMAP folder that is fetched into tickets.

    Progress is tracked by UIDVALIDITY and the last imported UID, never by the
    \\Seen flag (people read support mail in other clients too). `locked_by` and
    `locked_until` are a lease: one fetcher at a time works on a folder.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    host = models.CharField(_("server"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("encryption"), max_length=10, choices=MailboxSecurity.choices, default=MailboxSecurity.TLS
    )
    username = models.CharField(_("user name"), max_length=255)
    # IMAP needs the password itself, so it is encrypted rather than hashed; it is never
    # rendered back into a page.
    password = EncryptedTextField(_("password"), blank=True)
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    is_active = models.BooleanField(_("active"), default=True)
    after_import = models.CharField(
        _("after import"), max_length=10, choices=AfterImport.choices, default=AfterImport.MARK_SEEN
    )
    move_to_folder = models.CharField(_("move to folder"), max_length=255, blank=True)
    last_uidvalidity = models.PositiveBigIntegerField(_("UIDVALIDITY"), null=True, blank=True)
    last_uid = models.PositiveBigIntegerField(_("last imported UID"), default=0)
    last_fetch_at = models.DateTimeField(_("last fetched"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    locked_by = models.CharField(_("locked by"), max_length=100, blank=True, editable=False)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True, editable=False)

    objects = MailboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# Mail filters live in their own module; importing them here registers them with the app.
from ticketdesk.inbound.filters.models import MailFilter, MailFilterCondition  # noqa: E402, F401
