"""Configuration → Users and Support teams (administrators only)."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ticketdesk.core.feedback import run_and_report
from ticketdesk.core.forms import parse_search
from ticketdesk.core.pagination import page_of
from ticketdesk.core.permissions import admin_required

from . import services
from .forms import TeamForm, UserForm
from .models import Team, User

PAGE_SIZE = 50


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@admin_required
def user_list(request: HttpRequest) -> HttpResponse:
    term = parse_search(request.GET.get("q")).strip()
    users = User.objects.prefetch_related("teams")
    if term:
        users = users.filter(Q(email__icontains=term) | Q(full_name__icontains=term))
    page = page_of(users, request.GET.get("page"), per_page=PAGE_SIZE)
    return render(request, "accounts/config/users.html", {"page": page, "q": term})


@admin_required
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.create_user(**form.cleaned_data, base_url=_base_url(request))
        messages.success(
            request,
            _("%(user)s has been created and will receive a link to set a password.")
            % {"user": user.email},
        )
        return redirect("config_accounts:users")
    return render(request, "accounts/config/user_form.html", {"form": form})


@admin_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    # The form gets its own copy: validation writes the new values into its instance,
    # and the service must compare them with the stored ones (last administrator).
    form = UserForm(request.POST or None, instance=User.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_user(user, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The user has been saved."))
            return redirect("config_accounts:users")
    return render(request, "accounts/config/user_form.html", {"form": form, "edited": user})


@admin_required
@require_POST
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    if request.POST.get("active") == "1":
        services.reactivate_user(user)
        messages.success(request, _("%(user)s has been reactivated.") % {"user": user})
    else:
        run_and_report(
            request,
            partial(services.deactivate_user, user, by=request.user),
            _("%(user)s has been deactivated.") % {"user": user},
        )
    return redirect("config_accounts:user_edit", pk=user.pk)


@admin_required
@require_POST
def user_send_link(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk, is_active=True)
    if services.send_set_password_link(user, base_url=_base_url(request)):
        messages.success(
            request,
            _("A link to set the password has been sent to %(email)s.") % {"email": user.email},
        )
    else:
        messages.error(request, _("The e-mail could not be sent. Check the mail settings."))
    return redirect("config_accounts:user_edit", pk=user.pk)


@admin_required
def team_list(request: HttpRequest) -> HttpResponse:
    teams = Team.objects.prefetch_related("members")
    return render(request, "accounts/config/teams.html", {"teams": teams})


@admin_required
def team_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk) if pk else None
    form = TeamForm(request.POST or None, instance=team)
    if request.method == "POST" and form.is_valid():
        if team is None:
            services.create_team(**form.cleaned_data)
            messages.success(request, _("The team has been created."))
        else:
            services.update_team(team, **form.cleaned_data)
            messages.success(request, _("The team has been saved."))
        return redirect("config_accounts:teams")
    return render(request, "accounts/config/team_form.html", {"form": form, "team": team})


@admin_required
@require_POST
def team_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk)
    active = request.POST.get("active") == "1"
    services.set_team_active(team, active=active)
    if active:
        messages.success(request, _("The team “%(team)s” has been reactivated.") % {"team": team})
    else:
        messages.success(request, _("The team “%(team)s” has been deactivated.") % {"team": team})
    return redirect("config_accounts:teams")
