"""Configuration → Support → Mail filters (administrators): list, edit with conditions, order."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ticketdesk.core.permissions import admin_required

from . import services
from .forms import ConditionFormSet, MailFilterForm, conditions_of
from .models import MailFilter

LIST_URL = "config_mail_filters:list"


@admin_required
def filter_list(request: HttpRequest) -> HttpResponse:
    filters = MailFilter.objects.select_related(
        "set_priority", "set_category", "set_team", "set_assignee"
    ).prefetch_related("conditions")
    return render(request, "inbound/filters/filter_list.html", {"filters": list(filters)})


@admin_required
def filter_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    mail_filter = get_object_or_404(MailFilter, pk=pk) if pk else None
    instance = mail_filter or MailFilter()
    form = MailFilterForm(request.POST or None, instance=instance)
    formset = ConditionFormSet(request.POST or None, instance=instance, prefix="conditions")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            saved = services.save_mail_filter(
                mail_filter, data=form.to_input(), conditions=conditions_of(formset)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Mail filter “%(name)s” saved.") % {"name": saved})
            return redirect(LIST_URL)
    context = {"form": form, "formset": formset, "mail_filter": mail_filter}
    return render(request, "inbound/filters/filter_form.html", context)


@admin_required
@require_POST
def filter_move(request: HttpRequest, pk: int) -> HttpResponse:
    direction = "up" if request.POST.get("direction") == "up" else "down"
    services.move_mail_filter(get_object_or_404(MailFilter, pk=pk), direction=direction)
    return redirect(LIST_URL)


@admin_required
@require_POST
def filter_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    mail_filter = get_object_or_404(MailFilter, pk=pk)
    active = request.POST.get("active") == "1"
    services.set_mail_filter_active(mail_filter, active=active)
    done = _("“%(name)s” is active.") if active else _("“%(name)s” is deactivated.")
    messages.success(request, done % {"name": mail_filter})
    return redirect(LIST_URL)


@admin_required
@require_POST
def filter_delete(request: HttpRequest, pk: int) -> HttpResponse:
    mail_filter = get_object_or_404(MailFilter, pk=pk)
    name = str(mail_filter)
    services.delete_mail_filter(mail_filter)
    messages.success(request, _("Mail filter “%(name)s” deleted.") % {"name": name})
    return redirect(LIST_URL)
