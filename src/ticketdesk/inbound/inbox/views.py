"""Main menu → Support → Incoming mail: messages waiting for a decision, and the decisions."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ticketdesk.core.permissions import staff_required
from ticketdesk.inbound.models import InboundMessage
from ticketdesk.inbound.permissions import can_decide_inbox

from . import services
from .forms import CustomerChoiceForm, TicketChoiceForm

PAGE_SIZE = 50
# The page shows this much of the raw source; the download has all of it.
RAW_PREVIEW_CHARS = 200_000


@staff_required
def inbox_list(request: HttpRequest) -> HttpResponse:
    waiting = (
        InboundMessage.objects.needing_decision()
        .without_raw()
        .select_related("mail_filter")
        .order_by("-received_at", "-pk")
    )
    page = Paginator(waiting, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "keep_days": settings.INBOUND_DISCARD_KEEP_DAYS}
    return render(request, "inbound/inbox/inbox_list.html", context)


def _inbound(pk: int) -> InboundMessage:
    queryset = InboundMessage.objects.select_related(
        "ticket", "mail_filter", "decided_by", "ticket_message"
    )
    return get_object_or_404(queryset, pk=pk)


def _detail(
    request: HttpRequest, inbound: InboundMessage, *, status: int = 200, **forms: Any
) -> HttpResponse:
    raw = inbound.raw_bytes
    context = {
        "inbound": inbound,
        "parsed": services.parsed_or_none(inbound),
        "raw_text": raw[:RAW_PREVIEW_CHARS].decode("utf-8", errors="replace"),
        "raw_truncated": len(raw) > RAW_PREVIEW_CHARS,
        "waiting": InboundMessage.objects.needing_decision().filter(pk=inbound.pk).exists(),
        "can_decide": can_decide_inbox(request.user),
        "customer_form": forms.get("customer_form") or CustomerChoiceForm(),
        "ticket_form": forms.get("ticket_form") or TicketChoiceForm(),
        "keep_days": settings.INBOUND_DISCARD_KEEP_DAYS,
    }
    return render(request, "inbound/inbox/inbox_detail.html", context, status=status)


@staff_required
def inbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _inbound(pk))


def _refused(request: HttpRequest, inbound: InboundMessage, exc: ValidationError) -> HttpResponse:
    """A decision the service refused (decided meanwhile, no default status...)."""
    messages.error(request, " ".join(exc.messages))
    return redirect("inbound:detail", pk=inbound.pk)


DecisionView = Callable[[HttpRequest, InboundMessage], HttpResponse]


def decision(view: DecisionView) -> Callable[..., HttpResponse]:
    """POST by an agent on one message; a refusal by the service comes back as a message."""

    @staff_required
    @require_POST
    @wraps(view)
    def wrapper(request: HttpRequest, pk: int) -> HttpResponse:
        if not can_decide_inbox(request.user):
            raise PermissionDenied
        inbound = _inbound(pk)
        try:
            return view(request, inbound)
        except ValidationError as exc:
            return _refused(request, inbound, exc)

    return wrapper


@decision
def inbox_create_ticket(request: HttpRequest, inbound: InboundMessage) -> HttpResponse:
    form = CustomerChoiceForm(request.POST)
    if not form.is_valid():
        return _detail(request, inbound, status=400, customer_form=form)
    customer = form.cleaned_data["customer"]
    ticket = services.create_ticket_from_inbound(inbound, customer=customer, by=request.user)
    messages.success(request, _("Ticket %(ticket)s opened.") % {"ticket": ticket.reference})
    return redirect(ticket)


@decision
def inbox_append(request: HttpRequest, inbound: InboundMessage) -> HttpResponse:
    form = TicketChoiceForm(request.POST)
    if not form.is_valid():
        return _detail(request, inbound, status=400, ticket_form=form)
    ticket = form.cleaned_data["ticket"]
    services.append_inbound_to_ticket(inbound, ticket=ticket, by=request.user)
    done = _("The message was added to %(ticket)s.") % {"ticket": ticket.reference}
    messages.success(request, done)
    return redirect(ticket)


@decision
def inbox_discard(request: HttpRequest, inbound: InboundMessage) -> HttpResponse:
    services.discard_inbound(inbound, by=request.user)
    messages.success(request, _("The message was discarded."))
    return redirect("inbound:list")


@staff_required
def inbox_raw(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored bytes as a download, exactly as received."""
    inbound = _inbound(pk)
    response = HttpResponse(inbound.raw_bytes, content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="incoming-{inbound.pk}.eml"'
    return response
