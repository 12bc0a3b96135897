"""Header mechanics of outgoing mail: Message-IDs, threading and loop-safety headers."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from email.utils import parseaddr

from django.conf import settings

# RFC 3834 §5: marks mail a machine sent, so autoresponders stay silent.
# X-Auto-Response-Suppress is Exchange's equivalent (out-of-office, read receipts).
AUTO_GENERATED_HEADERS = {
    "Auto-Submitted": "auto-generated",
    "X-Auto-Response-Suppress": "All",
}

# Set from the row's own fields; passing them as extra headers would fork the truth.
RESERVED_HEADERS = frozenset(
    {"from", "to", "cc", "bcc", "reply-to", "subject", "message-id", "date"}
)

# Long threads would grow References without bound; RFC 5322 §3.6.4 lets us
# drop middle ids as long as the first (thread root) and the latest stay.
MAX_REFERENCES = 20

_MSG_ID = re.compile(r"^<[^<>\s@]+@[^<>\s@]+>$")
_HEADER_NAME = re.compile(r"^[!-9;-~]+$")  # RFC 5322 §2.2: printable ASCII except colon


def message_id_domain() -> str:
    """Right-hand side of our Message-IDs: the domain of SUPPORT_EMAIL."""
    address = parseaddr(settings.SUPPORT_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"


def make_message_id() -> str:
    """A new globally unique Message-ID, angle brackets included."""
    return f"<{uuid.uuid4().hex}@{message_id_domain()}>"


def normalize_message_id(value: str) -> str:
    """`abc@host` or `<abc@host>` → `<abc@host>`; raise ValueError if it is no msg-id."""
    value = value.strip()
    if not value.startswith("<"):
        value = f"<{value}>"
    if not _MSG_ID.match(value):
        raise ValueError(f"not a Message-ID: {value!r}")
    return value


def threading_headers(*, in_reply_to: str, references: Sequence[str]) -> dict[str, str]:
    """In-Reply-To and References for a reply to `in_reply_to` in the thread `references`.

    `references` is the thread so far, oldest first; `in_reply_to` is appended
    when missing, so callers may pass the ticket's message ids as they are.
    """
    chain = [normalize_message_id(ref) for ref in references]
    if in_reply_to:
        parent = normalize_message_id(in_reply_to)
        if not chain or chain[-1] != parent:
            chain = [ref for ref in chain if ref != parent] + [parent]
    chain = list(dict.fromkeys(chain))
    if len(chain) > MAX_REFERENCES:
        chain = [chain[0], *chain[-(MAX_REFERENCES - 1) :]]
    headers: dict[str, str] = {}
    if in_reply_to:
        headers["In-Reply-To"] = chain[-1]
    if chain:
        headers["References"] = " ".join(chain)
    return headers


def checked_extra_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Copy of `headers` after refusing reserved names and header injection."""
    checked: dict[str, str] = {}
    for name, value in headers.items():
        if not _HEADER_NAME.match(name) or name.lower() in RESERVED_HEADERS:
            raise ValueError(f"header {name!r} cannot be set as an extra header")
        text = str(value)
        if "\r" in text or "\n" in text:
            raise ValueError(f"header {name!r} contains a line break")
        checked[name] = text
    return checked
