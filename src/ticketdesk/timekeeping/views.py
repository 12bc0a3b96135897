"""Time on the ticket page: the timer's heartbeat, the panel, adding and correcting segments.

The forms work as plain POSTs (redirect back to the ticket, or the form page again with
its errors); with htmx they answer with the refreshed panel, and an out-of-band copy of
the ticket's timeline, which shows the new event.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ticketdesk.core.forms import parse_id
from ticketdesk.core.permissions import staff_required
from ticketdesk.tickets.models import Ticket
from ticketdesk.tickets.permissions import visible_tickets
from ticketdesk.tickets.timeline import build_timeline

from . import errors, services
from .forms import HeartbeatForm, SegmentForm
from .models import TimeSegment
from .panel import PANEL_PARTIAL, add_form_for, ticket_time_context
from .permissions import can_change_segment, can_log_time

FORM_PAGE = "timekeeping/segment_form.html"
TIMELINE_PARTIAL = "tickets/ticket_detail.html#ticket-timeline"
EDIT_PREFIX = "time-edit"
TIME_CHANGED_EVENT = "time-changed"


def get_ticket(request: HttpRequest, number: int) -> Ticket:
    return get_object_or_404(
        visible_tickets(request.user).select_related("category"), number=number
    )


def get_loggable_ticket(request: HttpRequest, number: int) -> Ticket:
    """The ticket, for a user who may log time (read-only users get 403)."""
    if not can_log_time(request.user):
        raise PermissionDenied
    return get_ticket(request, number)


def ticket_url(ticket: Ticket) -> str:
    return reverse("tickets:detail", args=[ticket.number]) + "#ticket-time"


def render_panel(request: HttpRequest, ticket: Ticket, **kwargs: Any) -> HttpResponse:
    context = {"time": ticket_time_context(ticket, request.user, **kwargs)}
    return HttpResponse(render_to_string(PANEL_PARTIAL, context, request))


def respond(request: HttpRequest, ticket: Ticket, *, flash: tuple[str, str]) -> HttpResponse:
    """After a change or a refusal: the panel and the timeline (htmx), else back to the page."""
    level, text = flash
    if not request.htmx:
        messages.add_message(
            request, messages.ERROR if level == "error" else messages.SUCCESS, text
        )
        return redirect(ticket_url(ticket))
    response = render_panel(request, ticket, flash=[flash])
    timeline = {"ticket": ticket, "timeline": build_timeline(ticket), "oob": True}
    response.write(render_to_string(TIMELINE_PARTIAL, timeline, request))
    # Other panels that depend on the ticket's time (contract points) refresh on this event.
    response["HX-Trigger"] = TIME_CHANGED_EVENT
    return response


# --- the timer ---------------------------------------------------------------------------


def timer_label(state: services.TimerState) -> str:
    if state.stretch is None:
        return _("Your timer is stopped.")
    return _("Your timer runs since %(since)s — %(minutes)d min") % {
        "since": formats.time_format(timezone.localtime(state.stretch.started_at), "TIME_FORMAT"),
        "minutes": services.stretch_minutes(state.stretch.elapsed_seconds()),
    }


@require_POST
@login_required
def heartbeat(request: HttpRequest, number: int) -> JsonResponse:
    """timer.js, every ~30 s while the page is visible ("beat"), and when it goes ("stop")."""
    if not can_log_time(request.user):
        return JsonResponse({"error": str(errors.CANNOT_LOG_TIME)}, status=403)
    ticket = visible_tickets(request.user).select_related("category").filter(number=number).first()
    if ticket is None:
        return JsonResponse({"error": "not found"}, status=404)
    form = HeartbeatForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": "state must be beat or stop"}, status=400)
    if form.cleaned_data["state"] == "stop":
        state = services.stop_timer(ticket, agent=request.user)
    else:
        state = services.record_heartbeat(ticket, agent=request.user)
    return JsonResponse(
        {
            "running": state.stretch is not None,
            "label": timer_label(state),
            "ended_minutes": state.ended.minutes if state.ended else None,
        }
    )


# --- the panel and the segments ----------------------------------------------------------


@require_safe
@staff_required
def panel(request: HttpRequest, number: int) -> HttpResponse:
    """htmx: the panel again (e.g. "Cancel" of an edit); without htmx, the ticket page."""
    ticket = get_ticket(request, number)
    if not request.htmx:
        return redirect(ticket_url(ticket))
    return render_panel(request, ticket)


@staff_required
def add(request: HttpRequest, number: int) -> HttpResponse:
    """GET: the form on its own page; POST: log time for the signed-in agent."""
    ticket = get_loggable_ticket(request, number)
    if request.method != "POST":
        return render(request, FORM_PAGE, {"ticket": ticket, "form": add_form_for(ticket)})
    form = SegmentForm(request.POST, prefix="time")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_segment(
                ticket,
                by=request.user,
                date=data["date"],
                minutes=data["minutes"],
                comment=data["comment"],
                billable=data["billable"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return respond(request, ticket, flash=("success", _("Time added.")))
    if request.htmx:
        return render_panel(request, ticket, add_form=form)
    return render(request, FORM_PAGE, {"ticket": ticket, "form": form})


def get_segment(request: HttpRequest, ticket: Ticket, pk: int) -> TimeSegment | None:
    """The segment on this ticket, for a user who may change it; None when it is not there."""
    segment = TimeSegment.objects.filter(pk=pk, ticket=ticket).first()
    if segment is not None and not can_change_segment(request.user, segment):
        raise PermissionDenied
    return segment


def edit_form_for(segment: TimeSegment, data: Any = None) -> SegmentForm:
    initial = {
        "date": segment.date,
        "minutes": str(segment.minutes),
        "comment": segment.comment,
        "billable": segment.billable,
        "version": segment.version,
    }
    return SegmentForm(data, initial=initial, prefix=EDIT_PREFIX)


@staff_required
def edit(request: HttpRequest, number: int, pk: int) -> HttpResponse:
    """GET: the segment's form (in place with htmx); POST: correct it."""
    ticket = get_loggable_ticket(request, number)
    segment = get_segment(request, ticket, pk)
    if segment is None:
        if request.method != "POST":
            raise Http404
        return respond(request, ticket, flash=("error", str(errors.SEGMENT_GONE)))
    form = edit_form_for(segment, request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            changed = services.change_segment(
                segment,
                by=request.user,
                date=data["date"],
                minutes=data["minutes"],
                comment=data["comment"],
                billable=data["billable"],
                expected_version=data["version"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            done = _("Time corrected.") if changed.version != segment.version else _("No change.")
            return respond(request, ticket, flash=("success", done))
    if request.htmx:
        return render_panel(request, ticket, edit_segment=segment, edit_form=form)
    return render(request, FORM_PAGE, {"ticket": ticket, "form": form, "segment": segment})


@require_POST
@staff_required
def delete(request: HttpRequest, number: int, pk: int) -> HttpResponse:
    ticket = get_loggable_ticket(request, number)
    segment = get_segment(request, ticket, pk)
    if segment is None:
        return respond(request, ticket, flash=("error", str(errors.SEGMENT_GONE)))
    try:
        services.delete_segment(
            segment, by=request.user, expected_version=parse_id(request.POST.get("version"))
        )
    except ValidationError as error:
        return respond(request, ticket, flash=("error", " ".join(error.messages)))
    return respond(request, ticket, flash=("success", _("Time deleted.")))
