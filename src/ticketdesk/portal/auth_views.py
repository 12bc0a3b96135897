"""Portal sign-in, sign-out, the e-mailed set-password link and the language switch."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.views import PasswordResetConfirmView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ticketdesk.accounts.models import User
from ticketdesk.accounts.services import admit_password_reset_request, update_profile

from . import services
from .forms import LanguageForm, PortalLoginForm, PortalSetPasswordForm, ResetRequestForm
from .pages import portal_context, portal_enabled, render_portal, safe_next
from .permissions import portal_contact

TOO_MANY_REQUESTS = 429


def _after_sign_in(request: HttpRequest) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"), "")


@portal_enabled
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """/portal/: the sign-in form; a signed-in contact goes on to their tickets."""
    if portal_contact(request.user) is not None:
        return redirect(_after_sign_in(request) or reverse("portal:tickets"))
    form = PortalLoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        auth_login(request, form.get_user())
        return redirect(_after_sign_in(request) or reverse("portal:tickets"))
    return render_portal(
        request, "portal/login.html", {"form": form, "next": _after_sign_in(request)}
    )


def locked_out(request: HttpRequest) -> HttpResponse:
    """django-axes' answer on the portal login (see accounts.views.locked_out): 429."""
    typed = request.POST.get("username", "") if request.method == "POST" else ""
    context = {
        "form": PortalLoginForm(request, initial={"username": typed}),
        "next": _after_sign_in(request),
        "locked_out": True,
        "cooloff_minutes": settings.SIGNIN_COOLOFF_MINUTES,
    }
    return render_portal(request, "portal/login.html", context, status=TOO_MANY_REQUESTS)


login.locked_out = locked_out  # type: ignore[attr-defined]


@portal_enabled
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    return redirect("portal:login")


@portal_enabled
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a set-password link; the same answer for every address, throttled per address
    and client like the agents' form."""
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if admit_password_reset_request(email=email, ip_address=get_client_ip_address(request)):
            services.send_password_link(email=email, base_url=request.build_absolute_uri("/"))
            return redirect("portal:password_reset_sent")
        context = {
            "form": form,
            "throttled": True,
            "cooloff_minutes": settings.SIGNIN_COOLOFF_MINUTES,
        }
        return render_portal(
            request, "portal/password_reset.html", context, status=TOO_MANY_REQUESTS
        )
    return render_portal(request, "portal/password_reset.html", {"form": form})


@portal_enabled
@require_GET
def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render_portal(request, "portal/password_reset_sent.html")


class SetPasswordView(PasswordResetConfirmView):
    """The e-mailed link: set a password and be signed in. Portal logins only.

    Django's token works once (it covers the password and the last sign-in) and expires
    after PASSWORD_RESET_TIMEOUT.
    """

    template_name = "portal/set_password.html"
    form_class = PortalSetPasswordForm
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("portal:tickets")

    def get_user(self, uidb64: str) -> User | None:
        user = super().get_user(uidb64)
        return user if user is not None and portal_contact(user) is not None else None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **portal_context(self.request)}


set_password = portal_enabled(SetPasswordView.as_view())


@portal_enabled
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Switch the portal's language: the contact's login keeps it, a visitor's cookie."""
    form = LanguageForm(request.POST)
    target = safe_next(request, request.POST.get("next"), reverse("portal:login"))
    response = redirect(target)
    if not form.is_valid():
        return response
    chosen = form.cleaned_data["language"]
    if (contact := portal_contact(request.user)) is not None:
        update_profile(contact.user, full_name=contact.user.full_name, language=chosen)
    else:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            chosen,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
        )
    return response
