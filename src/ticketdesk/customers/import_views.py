"""CSV import of customers and contacts: upload → preview with per-row errors → confirm.

Between preview and confirm the decoded file waits in the user's session (at
most forms.IMPORT_MAX_BYTES); confirming reads it again, so the preview and
the import always agree with the database as it is at that moment.
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ticketdesk.core.permissions import staff_required

from . import services
from .forms import ImportUploadForm
from .importing import decode, read_import
from .permissions import check_can_edit_customers

SESSION_KEY = "customers_import"
PREVIEW_ROWS = 200


@staff_required
def import_upload(request: HttpRequest) -> HttpResponse:
    check_can_edit_customers(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        text, encoding = decode(form.cleaned_data["file"])
        request.session[SESSION_KEY] = {
            "token": secrets.token_urlsafe(16),
            "text": text,
            "encoding": encoding,
            "filename": request.FILES["file"].name,
        }
        return redirect("customers:import_preview")
    return render(request, "customers/import_upload.html", {"form": form})


@staff_required
def import_preview(request: HttpRequest) -> HttpResponse:
    check_can_edit_customers(request.user)
    stored = request.session.get(SESSION_KEY)
    if not stored:
        messages.info(request, _("Upload a CSV file to import."))
        return redirect("customers:import")
    preview = read_import(stored["text"], encoding=stored["encoding"])
    context = {
        "preview": preview,
        "preview_counts": {"create": preview.count("create"), "update": preview.count("update")},
        "shown_rows": preview.rows[:PREVIEW_ROWS],
        "hidden_rows": max(len(preview.rows) - PREVIEW_ROWS, 0),
        "token": stored["token"],
        "filename": stored["filename"],
    }
    return render(request, "customers/import_preview.html", context)


@staff_required
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    check_can_edit_customers(request.user)
    stored = request.session.get(SESSION_KEY)
    token = request.POST.get("token", "").encode()
    if not stored or not secrets.compare_digest(stored["token"].encode(), token):
        messages.error(request, _("This import has expired. Upload the file again."))
        return redirect("customers:import")
    if "cancel" in request.POST:
        del request.session[SESSION_KEY]
        messages.info(request, _("The import has been cancelled; nothing was imported."))
        return redirect("customers:list")
    preview = read_import(stored["text"], encoding=stored["encoding"])
    only_valid = request.POST.get("mode") == "valid"
    if not preview.valid_rows or (preview.has_errors and not only_valid):
        messages.error(request, _("The file has errors, so nothing was imported."))
        return redirect("customers:import_preview")
    result = services.import_customers(preview.valid_rows)
    del request.session[SESSION_KEY]
    messages.success(
        request,
        _(
            "Import done: %(created)d customers created, %(updated)d updated, "
            "%(contacts)d contacts created, %(linked)d existing contacts linked."
        )
        % {
            "created": result.customers_created,
            "updated": result.customers_updated,
            "contacts": result.contacts_created,
            "linked": result.contacts_linked,
        },
    )
    return redirect("customers:list")
