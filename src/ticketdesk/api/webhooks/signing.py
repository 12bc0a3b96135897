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


def verify(secret: str, header: str, body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """What a receiver does (the README shows the same): check the MAC and the age."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    expected = signature(secret, timestamp=timestamp, body=body).split("v1=", 1)[1]
    fresh = abs(now - timestamp) <= tolerance
    return fresh and hmac.compare_digest(expected, fields.get("v1", ""))
