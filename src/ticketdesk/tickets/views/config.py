"""Configuration → Support lists: statuses, priorities, categories with sub-categories,
reply templates and ticket templates (administrators only).

One set of views serves every list; `kind` picks the list (forms_config.KINDS).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ticketdesk.core.feedback import run_and_report
from ticketdesk.core.permissions import admin_required
from ticketdesk.tickets import services
from ticketdesk.tickets.forms_config import KINDS, ConfigKind
from ticketdesk.tickets.models import Category, SubCategory


def _kind(kind: str) -> ConfigKind:
    try:
        return KINDS[kind]
    except KeyError:
        raise Http404 from None


def _cells(config: ConfigKind, entry: Any) -> list[tuple[str, Any]]:
    return [(column.kind, getattr(entry, column.attr)) for column in config.columns]


@admin_required
def entry_list(request: HttpRequest, kind: str) -> HttpResponse:
    config = _kind(kind)
    entries = config.model.objects.all()
    if config.model is Category:
        subcategories = SubCategory.objects.select_related("default_priority", "default_team")
        entries = entries.prefetch_related(Prefetch("subcategories", queryset=subcategories))
    context = {
        "config": config,
        "rows": [(entry, _cells(config, entry)) for entry in entries],
        "with_subcategories": config.model is Category,
    }
    return render(request, "tickets/config/entry_list.html", context)


@admin_required
def entry_form(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    config = _kind(kind)
    entry = get_object_or_404(config.model, pk=pk) if pk else None
    initial = {"category": request.GET.get("category")} if config.model is SubCategory else {}
    form = config.form(request.POST or None, instance=entry, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if entry is None:
                services.create_config_entry(config.model, **form.cleaned_data)
            else:
                services.update_config_entry(entry, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Saved."))
            return redirect(config.list_url_name)
    context = {"config": config, "form": form, "entry": entry}
    return render(request, "tickets/config/entry_form.html", context)


@admin_required
@require_POST
def entry_move(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    config = _kind(kind)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    services.move_config_entry(get_object_or_404(config.model, pk=pk), direction=direction)
    return redirect(config.list_url_name)


@admin_required
@require_POST
def entry_set_active(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    config = _kind(kind)
    entry = get_object_or_404(config.model, pk=pk)
    active = request.POST.get("active") == "1"
    done = (
        _("“%(entry)s” has been reactivated.") if active else _("“%(entry)s” has been deactivated.")
    )
    run_and_report(
        request,
        partial(services.set_config_entry_active, entry, active=active),
        done % {"entry": entry},
    )
    return redirect(config.list_url_name)


@admin_required
@require_POST
def entry_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    config = _kind(kind)
    entry = get_object_or_404(config.model, pk=pk)
    run_and_report(
        request,
        partial(services.delete_config_entry, entry),
        _("“%(entry)s” has been deleted.") % {"entry": entry},
    )
    return redirect(config.list_url_name)
