"""Configuration → Support → Mailboxes: list, create, edit, delete, test (administrators)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django.views.decorators.http import require_POST

from ticketdesk.core.permissions import admin_required
from ticketdesk.inbound.models import Mailbox

from . import services
from .client import ImapError
from .fetcher import check_connection
from .forms import MailboxForm
from .tasks import schedule_fetch

MAILBOX_CREATED = _("The mailbox “%(name)s” has been created.")
MAILBOX_SAVED = _("The mailbox “%(name)s” has been saved.")
MAILBOX_DELETED = _("The mailbox “%(name)s” has been deleted. Messages it imported are kept.")
CONNECTION_OK = ngettext_lazy(
    "Connected and logged in. The folder “%(folder)s” holds %(count)d message.",
    "Connected and logged in. The folder “%(folder)s” holds %(count)d messages.",
    "count",
)
CONNECTION_FAILED = _("The connection test failed: %(error)s")
FETCH_QUEUED = _("The mailboxes will be fetched in a moment.")


@admin_required
def mailbox_list(request: HttpRequest) -> HttpResponse:
    mailboxes = Mailbox.objects.all()
    return render(request, "inbound/mailboxes/mailbox_list.html", {"mailboxes": mailboxes})


@admin_required
def mailbox_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    mailbox = get_object_or_404(Mailbox, pk=pk) if pk else None
    # The form gets its own copy: validation writes the submitted values onto its instance.
    instance = Mailbox.objects.get(pk=pk) if pk else None
    form = MailboxForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        if mailbox is None:
            mailbox = services.create_mailbox(**form.cleaned_data)
            messages.success(request, MAILBOX_CREATED % {"name": mailbox.name})
        else:
            services.update_mailbox(mailbox, **form.cleaned_data)
            messages.success(request, MAILBOX_SAVED % {"name": mailbox.name})
        return redirect("config_mailboxes:list")
    context = {"form": form, "mailbox": mailbox}
    return render(request, "inbound/mailboxes/mailbox_form.html", context)


@require_POST
@admin_required
def mailbox_delete(request: HttpRequest, pk: int) -> HttpResponse:
    mailbox = get_object_or_404(Mailbox, pk=pk)
    services.delete_mailbox(mailbox)
    messages.success(request, MAILBOX_DELETED % {"name": mailbox.name})
    return redirect("config_mailboxes:list")


@require_POST
@admin_required
def mailbox_test(request: HttpRequest, pk: int) -> HttpResponse:
    mailbox = get_object_or_404(Mailbox, pk=pk)
    try:
        state = check_connection(mailbox)
    except ImapError as exc:
        messages.error(request, CONNECTION_FAILED % {"error": exc})
    else:
        messages.success(request, CONNECTION_OK % {"folder": mailbox.folder, "count": state.exists})
    return redirect("config_mailboxes:edit", pk=mailbox.pk)


@require_POST
@admin_required
def fetch_now(request: HttpRequest) -> HttpResponse:
    schedule_fetch()
    messages.success(request, FETCH_QUEUED)
    return redirect("config_mailboxes:list")
