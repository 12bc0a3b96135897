"""What every portal view shares: the switch, the signed-in contact and the page context."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .models import portal_settings
from .permissions import portal_contact

View = Callable[..., HttpResponse]


def portal_enabled(view: View) -> View:
    """404 for every portal page while the portal is switched off."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not portal_settings().is_enabled:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def contact_required(view: View) -> View:
    """Signed-in portal contacts only (as `request.contact`); others go to the portal login."""

    @portal_enabled
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        contact = portal_contact(request.user)
        if contact is None:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        request.contact = contact  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def portal_context(request: HttpRequest) -> dict[str, Any]:
    return {
        "portal": portal_settings(),
        "contact": getattr(request, "contact", None),
        "here": request.get_full_path(),
    }


def render_portal(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    return render(request, template, {**portal_context(request), **(context or {})}, status=status)


def safe_next(request: HttpRequest, value: str | None, default: str) -> str:
    """A portal path to go on to after sign-in or a language switch; else `default`."""
    portal = reverse("portal:login")
    allowed = url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if value and allowed and value.startswith(portal) and "\\" not in value:
        return value
    return default
