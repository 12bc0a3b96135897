"""Views of the shared kernel: health check, start page, configuration index."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .config_menu import config_sections
from .permissions import admin_required


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_staff_member:
        return redirect("tickets:list")
    return redirect("accounts:profile")


@admin_required
def config_index(request: HttpRequest) -> HttpResponse:
    return render(request, "core/config_index.html", {"sections": config_sections()})
