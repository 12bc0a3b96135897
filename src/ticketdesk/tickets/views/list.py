"""The ticket list (being built: see issue 3)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ticketdesk.core.permissions import staff_required


@staff_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    return render(request, "base.html")
