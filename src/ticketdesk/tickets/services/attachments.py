"""Storing attachments of a ticket message: safe names, limits, and files that follow the rows.

A file is written to storage when its row is saved, so code later in the same transaction
(and the tests) can read it. Should the transaction, or the savepoint the file was written
in, roll back, the file must go too: Django has on_commit but no on_rollback, so every file
written is remembered with an on_commit marker. Django drops the markers of a rolled-back
savepoint or transaction; `discard_rolled_back_files` deletes the files whose marker is gone
and whose row the database does not have. It runs when an `atomic_with_files` block (the
services that store attachments, the mail router, the inbox decisions) ends with an error,
and before every new write, which catches rollbacks of blocks that are not ours.
"""

from __future__ import annotations

import logging
import mimetypes
import os
import re
import threading
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from ticketdesk.tickets.models import Attachment, Message, Ticket

logger = logging.getLogger(__name__)

ATTACHMENT_TOO_LARGE = _("“%(name)s” is larger than the limit of %(limit)s.")
TOO_MANY_ATTACHMENTS = ngettext_lazy(
    "At most %(limit)s file can be attached at once; you chose %(count)s.",
    "At most %(limit)s files can be attached at once; you chose %(count)s.",
    "limit",
)

FALLBACK_STEM = "attachment"
# Attachment.name holds 255 characters; a stored file name stays far below the 255 bytes
# of a file name on common file systems, whatever the sender's name was.
DISPLAY_NAME_MAX = 255
STORED_STEM_MAX = 80
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,10})$")
_UNSAFE_IN_STORED_NAME = re.compile(r"[^A-Za-z0-9._-]+")
# Device names Windows refuses as a file name, with or without an extension.
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{n}" for n in range(1, 10)),
    *(f"LPT{n}" for n in range(1, 10)),
}


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
            name=upload.name or "",
            content=upload,
            content_type=upload.content_type or "application/octet-stream",
        )

    @property
    def size(self) -> int:
        if isinstance(self.content, bytes):
            return len(self.content)
        return self.content.size or 0


# --- names -------------------------------------------------------------------------------


def _without_nul(value: str) -> str:
    # PostgreSQL refuses NUL in text columns; it never belongs in a name or header anyway.
    return value.replace("\x00", "")


def guessed_extension(content_type: str) -> str:
    """ ".pdf" for application/pdf; ".bin" when the type says nothing."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    return mimetypes.guess_extension(media_type, strict=False) or ".bin"


def _split_extension(name: str) -> tuple[str, str]:
    match = _EXTENSION.search(name)
    if match is None or match.start() == 0:
        return name, ""
    return name[: match.start()], match.group(0)


def display_name(name: str, content_type: str) -> str:
    """The name shown and offered for download: the sender's, less what is unsafe anywhere.

    Path parts, control and formatting characters (NUL, right-to-left overrides) are
    dropped and a long name is cut keeping its extension; a name with nothing left to show
    ("", ".", "..", "/") becomes "attachment" with an extension guessed from the type.
    """
    name = _without_nul(name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if not name.strip(". "):
        return FALLBACK_STEM + guessed_extension(content_type)
    if len(name) <= DISPLAY_NAME_MAX:
        return name
    stem, extension = _split_extension(name)
    return stem[: DISPLAY_NAME_MAX - len(extension)] + extension


def stored_name(name: str, content_type: str) -> str:
    """The file name in storage: ASCII letters, digits, "._-", never empty or reserved.

    "Grüße.pdf" is stored as "Grue.pdf"; "🙂", "..", "!!!" as "attachment" with an extension
    guessed from the content type.
    """
    stem, extension = _split_extension(display_name(name, content_type))
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    ascii_stem = _UNSAFE_IN_STORED_NAME.sub("_", ascii_stem)
    ascii_stem = re.sub(r"\.{2,}", ".", ascii_stem).strip("._-")[:STORED_STEM_MAX].strip("._-")
    if not any(ch.isalnum() for ch in ascii_stem):
        ascii_stem = FALLBACK_STEM
    if ascii_stem.split(".", 1)[0].upper() in _WINDOWS_RESERVED:
        ascii_stem = f"{ascii_stem}_"
    return ascii_stem + (extension.lower() or guessed_extension(content_type))


# --- limits ------------------------------------------------------------------------------


def check_attachments(attachments: Sequence[AttachmentInput]) -> None:
    """Refuse more than ATTACHMENT_MAX_FILES files or one over ATTACHMENT_MAX_BYTES."""
    if len(attachments) > settings.ATTACHMENT_MAX_FILES:
        raise ValidationError(
            TOO_MANY_ATTACHMENTS,
            code="too_many_attachments",
            params={"limit": settings.ATTACHMENT_MAX_FILES, "count": len(attachments)},
        )
    limit = settings.ATTACHMENT_MAX_BYTES
    for item in attachments:
        if item.size > limit:
            raise ValidationError(
                ATTACHMENT_TOO_LARGE,
                code="attachment_too_large",
                params={
                    "name": display_name(item.name, item.content_type),
                    "limit": filesizeformat(limit),
                },
            )


# --- files that follow the transaction ----------------------------------------------------


class _WrittenFile:
    """A file written inside a transaction; called by on_commit once its row is for good."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self) -> None:
        _forget(self)


_local = threading.local()


def _written() -> list[_WrittenFile]:
    if not hasattr(_local, "files"):
        _local.files = []
    return _local.files


def _forget(entry: _WrittenFile) -> None:
    files = _written()
    if entry in files:
        files.remove(entry)


def _remember(name: str) -> None:
    entry = _WrittenFile(name)
    _written().append(entry)
    # Outside a transaction on_commit calls it at once: the row is already stored.
    transaction.on_commit(entry, robust=True)


def discard_rolled_back_files() -> int:
    """Delete the files written in savepoints or transactions that rolled back.

    A file whose on_commit marker Django no longer holds belongs to a block that ended: it
    stays if its row exists (the transaction committed, but an earlier on_commit callback
    failed before ours ran), otherwise it is deleted. Returns the number deleted.
    """
    files = _written()
    if not files:
        return 0
    connection = transaction.get_connection()
    waiting = {id(func) for _, func, _ in connection.run_on_commit}
    ended = [entry for entry in files if id(entry) not in waiting]
    if not ended or connection.needs_rollback:
        return 0  # a broken transaction cannot be asked; the next call decides
    try:
        # In a savepoint: a failing check must not break the caller's transaction.
        with transaction.atomic():
            names = [entry.name for entry in ended]
            kept = set(Attachment.objects.filter(file__in=names).values_list("file", flat=True))
    except DatabaseError:
        logger.warning("could not check %d attachment files; checked again later", len(ended))
        return 0
    deleted = 0
    for entry in ended:
        files.remove(entry)
        if entry.name not in kept:
            _delete_file(entry.name)
            deleted += 1
    return deleted


def _delete_file(name: str) -> None:
    storage = Attachment._meta.get_field("file").storage
    try:
        storage.delete(name)
    except OSError:
        logger.exception("could not delete the rolled-back attachment file %s", name)
        return
    # Each file has a directory of its own (attachment_path); leave no empty one behind.
    with suppress(NotImplementedError, OSError):
        os.rmdir(os.path.dirname(storage.path(name)))


@contextmanager
def atomic_with_files() -> Iterator[None]:
    """`transaction.atomic` whose rollback also deletes the attachment files written in it.

    Usable as a decorator (`@atomic_with_files()`).
    """
    try:
        with transaction.atomic():
            yield
    except BaseException:
        discard_rolled_back_files()
        raise


# --- storing -------------------------------------------------------------------------------


def store_attachments(
    ticket: Ticket,
    message: Message,
    attachments: Sequence[AttachmentInput],
    *,
    enforce_limit: bool = True,
) -> list[Attachment]:
    """Save files for a message; agent uploads obey the limits, mail keeps everything.

    Every file gets a safe stored name (`stored_name`) and a harmless display name
    (`display_name`); a rollback of the caller's transaction deletes the files again
    (call inside `atomic_with_files`).
    """
    if enforce_limit:
        check_attachments(attachments)
    discard_rolled_back_files()
    stored = []
    for item in attachments:
        content_type = _without_nul(item.content_type)[:255] or "application/octet-stream"
        content = ContentFile(item.content) if isinstance(item.content, bytes) else item.content
        attachment = Attachment(
            ticket=ticket,
            message=message,
            name=display_name(item.name, content_type),
            size=item.size,
            content_type=content_type,
            content_id=_without_nul(item.content_id)[:255],
            is_inline=item.inline,
        )
        attachment.file.save(stored_name(item.name, content_type), content, save=False)
        _remember(attachment.file.name)
        attachment.save()
        stored.append(attachment)
    return stored
