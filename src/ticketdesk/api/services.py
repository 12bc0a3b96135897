"""Writes of the API app: personal tokens (create, revoke) and their use (last use, rate window)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import math
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ApiToken

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User

# A marker that makes leaked tokens findable by secret scanners, not a secret itself.
TOKEN_PREFIX = "td_"  # noqa: S105
EXPIRY_IN_THE_PAST = _("The expiry date must lie in the future.")
EMPTY_NAME = _("Give the token a name, so you know later what it is for.")
NOT_YOUR_TOKEN = _("This token belongs to another user.")


def _hash(raw: str) -> str:
    # Tokens carry 256 random bits: a fast hash is enough (nothing to brute-force).
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(
    user: User, *, name: str, expires_at: datetime.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new personal token for `user`. Returns the row and the token in clear, which is
    never stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise ValidationError(EMPTY_NAME, code="empty_name")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(EXPIRY_IN_THE_PAST, code="expiry_in_the_past")
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=prefix, key_hash=_hash(raw), expires_at=expires_at
    )
    return token, raw


def revoke_token(token: ApiToken, *, by: User) -> ApiToken:
    """End the token at once (kept, marked revoked, so the profile still lists it)."""
    if token.user_id != by.pk and not by.is_administrator:
        raise PermissionDenied(NOT_YOUR_TOKEN)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_for(raw: str) -> ApiToken | None:
    """The usable token a client presented, or None (unknown, revoked, expired, inactive user)."""
    head, _, _rest = raw.removeprefix(TOKEN_PREFIX).partition("_")
    if not raw.startswith(TOKEN_PREFIX) or len(head) != 8 or len(raw) > 200:
        return None
    token = ApiToken.objects.usable().select_related("user").filter(prefix=head).first()
    if token is None or not hmac.compare_digest(token.key_hash, _hash(raw)):
        return None
    return token


def count_request(token: ApiToken, *, now: datetime.datetime | None = None) -> int | None:
    """Count one request in the token's current minute and note its use.

    Returns None while the token is within API_RATE_LIMIT_PER_MINUTE, else the seconds
    until the window ends (for Retry-After). One conditional UPDATE in the common case;
    concurrent requests of several web processes are counted exactly.
    """
    now = now or timezone.now()
    window = now.replace(second=0, microsecond=0)
    limit = settings.API_RATE_LIMIT_PER_MINUTE
    rows = ApiToken.objects.filter(pk=token.pk)
    counted = rows.filter(window_start=window, window_count__lt=limit).update(
        window_count=F("window_count") + 1, last_used_at=now
    )
    if not counted:
        counted = rows.filter(~Q(window_start=window) | Q(window_start__isnull=True)).update(
            window_start=window, window_count=1, last_used_at=now
        )
    if counted:
        return None
    return max(1, math.ceil((window + datetime.timedelta(minutes=1) - now).total_seconds()))
