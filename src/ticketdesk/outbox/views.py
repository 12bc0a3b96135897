"""The outbox page: what was sent, what waits and why, and "retry now" (administrators)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ticketdesk.core.pagination import page_of
from ticketdesk.core.permissions import admin_required
from ticketdesk.outbox.forms import OutboxFilterForm
from ticketdesk.outbox.models import OutboundMail
from ticketdesk.outbox.services import retry_failed_mail, retry_mail

PAGE_SIZE = 50
MAIL_REQUEUED = _("The e-mail is queued and will be sent shortly.")


@admin_required
def outbox_list(request: HttpRequest) -> HttpResponse:
    form = OutboxFilterForm(request.GET)
    mails = OutboundMail.objects.all()
    if form.is_valid():
        mails = mails.matching(**form.cleaned_data)
    context = {"form": form, "page": page_of(mails, request.GET.get("page"), per_page=PAGE_SIZE)}
    if request.htmx:
        return render(request, "outbox/outbox_list.html#outbox-table", context)
    return render(request, "outbox/outbox_list.html", context)


@require_POST
@admin_required
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    mail = get_object_or_404(OutboundMail, pk=pk)
    try:
        retry_mail(mail)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, MAIL_REQUEUED)
    return _back_to_list(request)


@require_POST
@admin_required
def retry_failed(request: HttpRequest) -> HttpResponse:
    form = OutboxFilterForm(request.POST)
    reference = form.cleaned_data["reference"] if form.is_valid() else ""
    count = retry_failed_mail(reference=reference)
    messages.success(
        request,
        ngettext("%(count)d e-mail queued again.", "%(count)d e-mails queued again.", count)
        % {"count": count},
    )
    return _back_to_list(request)


def _back_to_list(request: HttpRequest) -> HttpResponseRedirect:
    """Back to the list the button was on, filters kept; never off-site."""
    target = request.POST.get("next", "")
    list_url = reverse("outbox:list")
    if not target.startswith(list_url) or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        target = list_url
    return redirect(target)
