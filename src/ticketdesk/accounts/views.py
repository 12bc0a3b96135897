"""Sign-in lockout, the throttled password-reset request and the user's own profile."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import services
from .forms import LoginForm, ProfileForm, ResetRequestForm

TOO_MANY_REQUESTS = 429


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
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
    *args: Any,
    **kwargs: Any,
) -> HttpResponse:
    """django-axes' answer to a locked account or client address: the sign-in page, 429.

    No password is checked while locked; the typed address stays in the form. A sign-in
    view of another app (the portal's) answers itself: its `locked_out` attribute.
    """
    view = getattr(request.resolver_match, "func", None)
    if (own_answer := getattr(view, "locked_out", None)) is not None:
        return own_answer(request)
    typed = request.POST.get("username", "") if request.method == "POST" else ""
    context = {
        "form": LoginForm(request, initial={"username": typed}),
        "next": request.POST.get("next", ""),
        "locked_out": True,
        "cooloff_minutes": settings.SIGNIN_COOLOFF_MINUTES,
    }
    return render(request, "accounts/login.html", context, status=TOO_MANY_REQUESTS)


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a link to set a new password; throttled per address and per client address.

    The answer is the same for existing and unknown addresses, throttled or not.
    """
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        admitted = services.admit_password_reset_request(
            email=form.cleaned_data["email"], ip_address=get_client_ip_address(request)
        )
        if admitted:
            form.save(
                request=request,
                use_https=request.is_secure(),
                subject_template_name="accounts/email/password_reset_subject.txt",
                email_template_name="accounts/email/password_reset.txt",
            )
            return redirect("accounts:password_reset_done")
        context = {
            "form": form,
            "throttled": True,
            "cooloff_minutes": settings.SIGNIN_COOLOFF_MINUTES,
        }
        return render(request, "accounts/password_reset.html", context, status=TOO_MANY_REQUESTS)
    return render(request, "accounts/password_reset.html", {"form": form})
