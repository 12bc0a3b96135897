"""Storing attachments of a ticket message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from ticketdesk.tickets.models import Attachment, Message, Ticket

ATTACHMENT_TOO_LARGE = _("“%(name)s” is larger than the limit of %(limit)s.")


@dataclass(frozen=True)
class AttachmentInput:
    """A file to attach: raw bytes (mail) or an upload (forms)."""

    name: str
    content: bytes | UploadedFile
    content_type: str = "application/octet-stream"
    content_id: str = ""
    inline: bool = False

    @classmethod
    def from_upload(cls, upload: UploadedFile) -> AttachmentInput:
        return cls(
            name=upload.name or "upload",
            content=upload,
            content_type=upload.content_type or "application/octet-stream",
        )

    @property
    def size(self) -> int:
        if isinstance(self.content, bytes):
            return len(self.content)
        return self.content.size or 0


def check_attachment_sizes(attachments: Sequence[AttachmentInput]) -> None:
    limit = settings.ATTACHMENT_MAX_BYTES
    for item in attachments:
        if item.size > limit:
            raise ValidationError(
                ATTACHMENT_TOO_LARGE,
                code="attachment_too_large",
                params={"name": item.name, "limit": filesizeformat(limit)},
            )


def store_attachments(
    ticket: Ticket,
    message: Message,
    attachments: Sequence[AttachmentInput],
    *,
    enforce_limit: bool = True,
) -> list[Attachment]:
    """Save files for a message; agent uploads obey the size limit, mail keeps everything."""
    if enforce_limit:
        check_attachment_sizes(attachments)
    stored = []
    for item in attachments:
        content = item.content if isinstance(item.content, bytes) else item.content.read()
        safe_name = get_valid_filename(item.name)[:200] or "attachment"
        attachment = Attachment(
            ticket=ticket,
            message=message,
            name=item.name[:255],
            size=len(content),
            content_type=item.content_type[:255],
            content_id=item.content_id[:255],
            is_inline=item.inline,
        )
        attachment.file.save(safe_name, ContentFile(content), save=False)
        attachment.save()
        stored.append(attachment)
    return stored
