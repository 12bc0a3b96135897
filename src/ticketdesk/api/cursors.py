"""Opaque page cursors: clients pass back what they got, never compute one (no counts needed)."""

from __future__ import annotations

import base64
import binascii

from django.utils.translation import gettext as _

from ticketdesk.core.forms import MAX_PAGE

from .errors import field_error


def encode(page: int) -> str:
    return base64.urlsafe_b64encode(f"p{page}".encode()).decode().rstrip("=")


def decode(cursor: str | None) -> int:
    """The page a cursor points to (1 without one); a made-up cursor is a 400."""
    if not cursor:
        return 1
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        page = int(text.removeprefix("p")) if text.startswith("p") else 0
    except (binascii.Error, UnicodeDecodeError, ValueError):
        page = 0
    if not 1 <= page <= MAX_PAGE:
        raise field_error("cursor", _("Not a cursor from this API."))
    return page
