"""The profile's API token page: create (shown once), list, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ticketdesk.core.permissions import staff_required

from . import services
from .forms import TokenForm
from .models import ApiToken

# The token in clear survives one redirect in the session, then it is gone for good.
NEW_TOKEN_KEY = "api_new_token"  # noqa: S105 (a session key)


@staff_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, raw = services.create_token(
            request.user, name=form.cleaned_data["name"], expires_at=form.expires_at()
        )
        request.session[NEW_TOKEN_KEY] = {"id": token.pk, "raw": raw}
        return redirect("api_tokens:list")
    context = {
        "form": form,
        "tokens": ApiToken.objects.filter(user=request.user),
        "new_token": request.session.pop(NEW_TOKEN_KEY, None),
    }
    return render(request, "api/tokens.html", context)


@staff_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.revoke_token(token, by=request.user)
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("api_tokens:list")
