"""Configuration → Support → Customer portal, and the invitation sent from a contact's page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ticketdesk.core.permissions import admin_required
from ticketdesk.customers.models import Contact

from . import services
from .forms import PortalSettingsForm
from .models import INSTANCE_PK, PortalSettings


@admin_required
@require_http_methods(["GET", "POST"])
def portal_settings_page(request: HttpRequest) -> HttpResponse:
    # A fresh row, never the cached one: the form writes into its instance while validating.
    current = PortalSettings.objects.filter(pk=INSTANCE_PK).first() or PortalSettings()
    form = PortalSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.save_portal_settings(**form.cleaned_data)
        messages.success(request, _("The portal settings have been saved."))
        return redirect("portal_config:settings")
    context = {"form": form, "portal_url": request.build_absolute_uri(reverse("portal:login"))}
    return render(request, "portal/config/settings.html", context)


@admin_required
@require_POST
def invite_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """E-mail the contact a link to set their portal password (their first sign-in)."""
    contact = get_object_or_404(Contact, pk=pk)
    try:
        services.invite_contact(contact, base_url=request.build_absolute_uri("/"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The portal invitation to %(email)s is on its way.") % {"email": contact.email},
        )
    return redirect("customers:contact_edit", pk=contact.pk)
