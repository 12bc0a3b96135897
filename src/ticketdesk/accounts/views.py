"""Views of the signed-in user's own account."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from . import services
from .forms import ProfileForm


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.update_profile(
            request.user,
            full_name=form.cleaned_data["full_name"],
            language=form.cleaned_data["language"],
        )
        translation.activate(request.user.language)
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


def locked_out(
    request: HttpRequest, credentials: dict | None = None, *args, **kwargs
) -> HttpResponse:
    """django-axes' answer to a locked account or client address: the sign-in page, 429."""
    minutes = settings.SIGNIN_COOLOFF_MINUTES
    return render(
        request,
        "accounts/login.html",
        {"form": AuthenticationForm(request), "locked_out": True, "cooloff_minutes": minutes},
        status=429,
    )
