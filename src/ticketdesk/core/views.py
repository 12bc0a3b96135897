"""Views of the shared kernel: health check, start page (dashboard), configuration index."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from . import health
from .config_menu import config_sections
from .dashboard import panels_for
from .permissions import admin_required

logger = logging.getLogger(__name__)


def healthz(request: HttpRequest) -> HttpResponse:
    """One line per check; 503 when any fails, for load balancers and monitoring."""
    checks = health.run_checks()
    healthy = all(check.healthy for check in checks)
    response = HttpResponse(
        "".join(f"{check.line()}\n" for check in checks),
        status=200 if healthy else 503,
        content_type="text/plain; charset=utf-8",
    )
    response.headers["Cache-Control"] = "no-store"
    if not healthy:
        # Django would log each probe of a monitor as an error; one line with the reasons
        # says more.
        response._has_been_logged = True  # type: ignore[attr-defined]
        logger.warning("healthz: %s", "; ".join(c.line() for c in checks if not c.healthy))
    return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The agent's start page (the dashboard panels); other logins go to their profile."""
    if not request.user.is_staff_member:
        return redirect("accounts:profile")
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    return render(request, "core/dashboard.html", {"panels": panels_for(request)})


@admin_required
def config_index(request: HttpRequest) -> HttpResponse:
    return render(request, "core/config_index.html", {"sections": config_sections()})
