"""The signature header: HMAC-SHA256 over "<unix timestamp>.<raw body>" (see the README)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "X-Ticketdesk-Signature"
DELIVERY_HEADER = "X-Ticketdesk-Delivery"
EVENT_HEADER = "X-Ticketdesk-Event"
SECRET_PREFIX = "whsec_"  # noqa: S105  a marker for secret scanners, not a secret


def generate_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, *, timestamp: int, body: bytes) -> str:
    """`t=<timestamp>,v1=<hex digest>` for the X-Ticketdesk-Signature header."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"
