"""What the sign-in lockout (django-axes) and the password-reset throttle count an attempt by.

Wired in settings: AXES_USERNAME_CALLABLE = client_username, AXES_CLIENT_IP_CALLABLE =
client_address.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest

AXES_USERNAME_MAX_LENGTH = 255


def client_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The address an attempt was for, normalized as the login normalizes it.

    Django's failure signal carries the keyword the form passed to authenticate(): `email`
    from our login form, `username` from the Django admin's. Without a value every such
    attempt would share one empty account, and a few failures would lock out all of them,
    so the typed form field is the fallback. Cut to the length of django-axes' column: the
    Django admin's login form lets longer values through.
    """
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if not isinstance(value, str):
        value = request.POST.get("username", "")
    return value.strip().lower()[:AXES_USERNAME_MAX_LENGTH]


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address; behind the reverse proxy (HTTPS=1), the one it reports.

    gunicorn sees only the proxy's address, which would put every user in one per-address
    lockout. The proxy appends the address it was connected from to X-Forwarded-For; only
    that last entry is trusted, earlier ones are whatever the client sent.
    """
    remote = request.META.get("REMOTE_ADDR")
    if not settings.SECURE_PROXY_SSL_HEADER:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(forwarded))
    except ValueError:
        return remote
