"""Keep customer logins out of the agent workspace."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from .models import portal_settings
from .permissions import is_customer_login

# Paths a customer login may reach outside the portal: the health check, and signing out
# (with the portal switched off, the portal's own sign-out answers 404 too).
_OPEN_PATHS = ("/healthz", "/accounts/logout/")


class CustomerLoginMiddleware:
    """A customer login asking for any page outside /portal/ is sent to the portal.

    One place instead of a check in every agent view: a new agent page cannot forget it.
    With the portal switched off the answer is 404. Runs after authentication.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not is_customer_login(user):
            return self.get_response(request)
        portal = reverse("portal:login")
        if request.path.startswith(portal) or request.path in _OPEN_PATHS:
            return self.get_response(request)
        if not portal_settings().is_enabled:
            raise Http404
        return redirect(portal)
