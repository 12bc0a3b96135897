"""The ticket page and its actions: fields, assignment, copies, attachments.

Every action is a plain POST that redirects back to the page; with htmx it
answers with the partial that was its target plus out-of-band copies of the
other parts the change touched (version, status, timeline).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ticketdesk.core.forms import parse_id, without_nul
from ticketdesk.core.permissions import staff_required
from ticketdesk.tickets import services
from ticketdesk.tickets.forms import (
    AssignForm,
    CCForm,
    ReadMarkForm,
    ReplyForm,
    TicketFieldsForm,
    with_subcategory_defaults,
)
from ticketdesk.tickets.listing import with_unread
from ticketdesk.tickets.models import Attachment, ReplyTemplate, Ticket
from ticketdesk.tickets.models.ticket import TicketQuerySet
from ticketdesk.tickets.page_panels import ticket_panels
from ticketdesk.tickets.permissions import can_work_tickets, visible_tickets
from ticketdesk.tickets.reply_templates import fill_placeholders
from ticketdesk.tickets.services.lifecycle import mark_ticket_read
from ticketdesk.tickets.sla_state import sla_state
from ticketdesk.tickets.timeline import build_timeline

TEMPLATE = "tickets/ticket_detail.html"
# Parts of the page that show ticket state; refreshed out of band after every action.
STATE_PARTIALS = ("ticket-summary", "ticket-fields", "ticket-assignment", "ticket-timeline")


def ticket_rows(request: HttpRequest) -> TicketQuerySet:
    return visible_tickets(request.user).select_related(
        "customer", "requester", "status", "priority", "category", "subcategory", "team", "assignee"
    )


def get_ticket(request: HttpRequest, number: int) -> Ticket:
    return get_object_or_404(ticket_rows(request), number=number)


def get_workable_ticket(request: HttpRequest, number: int) -> Ticket:
    """The ticket, for a user who may change it (read-only users get 403)."""
    if not can_work_tickets(request.user):
        raise PermissionDenied
    return get_ticket(request, number)


def reply_form_for(ticket: Ticket, agent: Any, template: ReplyTemplate | None = None) -> ReplyForm:
    """An empty reply box with the chosen (or default) reply template filled in."""
    if template is None:
        template = ReplyTemplate.objects.active().filter(is_default=True).first()
    initial: dict[str, Any] = {}
    if template is not None:
        initial = {
            "reply_template": template.pk,
            "text": fill_placeholders(template.body, ticket, agent),
        }
    return ReplyForm(initial=initial)


def page_context(
    request: HttpRequest,
    ticket: Ticket,
    *,
    fields_form: TicketFieldsForm | None = None,
    reply_form: ReplyForm | None = None,
    cc_form: CCForm | None = None,
    flash: Iterable[tuple[str, str]] = (),
) -> dict[str, Any]:
    user = request.user
    can_work = can_work_tickets(user)
    mine = ticket.assignee_id == user.pk
    return {
        "ticket": ticket,
        "panels": ticket_panels(ticket, user),
        "customer": ticket.customer,
        "support_notes": list(ticket.customer.support_notes.all()),
        "other_tickets": list(
            ticket.customer.tickets.exclude(pk=ticket.pk).select_related("status")[:10]
        ),
        "cc_addresses": list(ticket.cc_addresses.all()),
        "now": (now := timezone.now()),
        "sla": sla_state(ticket, now=now),
        "timeline": build_timeline(ticket),
        "can_edit": can_work,
        "can_assign": can_work,
        "can_reply": can_work,
        "can_accept": can_work
        and user.is_support_team
        and ticket.accepted_at is None
        and (ticket.assignee_id is None or mine),
        "can_assign_to_me": can_work and user.is_support_team and not mine,
        "can_free": can_work and ticket.assignee_id is not None,
        "fields_form": fields_form or TicketFieldsForm(ticket=ticket),
        "assign_form": AssignForm(initial={"agent": ticket.assignee_id}) if can_work else None,
        "reply_form": reply_form or (reply_form_for(ticket, user) if can_work else None),
        "cc_form": cc_form or CCForm(),
        "flash": list(flash),
    }


def render_page(
    request: HttpRequest, ticket: Ticket, *, primary: str, **kwargs: Any
) -> HttpResponse:
    """The page with a bound (invalid) form; with htmx only the form's partial."""
    context = page_context(request, ticket, **kwargs)
    if request.htmx:
        return render_partials(request, context, primary=primary, others=["ticket-flash"])
    return render(request, TEMPLATE, context)


def render_partials(
    request: HttpRequest, context: dict[str, Any], *, primary: str, others: Iterable[str]
) -> HttpResponse:
    names = [primary, *(name for name in others if name != primary)]
    html = "".join(
        render_to_string(f"{TEMPLATE}#{name}", {**context, "oob": name != primary}, request)
        for name in names
    )
    return HttpResponse(html)


def respond(
    request: HttpRequest,
    number: int,
    *,
    primary: str,
    flash: tuple[str, str],
    also: Iterable[str] = (),
) -> HttpResponse:
    """After an action: back to the page, or (htmx) the refreshed parts and a status line."""
    level, text = flash
    if not request.htmx:
        messages.add_message(
            request, messages.ERROR if level == "error" else messages.SUCCESS, text
        )
        return redirect("tickets:detail", number=number)
    ticket = get_ticket(request, number)
    context = page_context(request, ticket, flash=[flash])
    return render_partials(
        request, context, primary=primary, others=[*STATE_PARTIALS, "ticket-flash", *also]
    )


def run_action(
    request: HttpRequest, number: int, *, primary: str, done: str, action: Callable[[], object]
) -> HttpResponse:
    """Call one service; a refusal (ValidationError) becomes the error line, nothing else."""
    try:
        action()
    except ValidationError as error:
        return respond(request, number, primary=primary, flash=("error", " ".join(error.messages)))
    return respond(request, number, primary=primary, flash=("success", done))


@staff_required
def ticket_detail(request: HttpRequest, number: int) -> HttpResponse:
    """The page; a GET writes nothing: an unread page marks itself read (ticket_read)."""
    ticket = get_object_or_404(with_unread(ticket_rows(request), request.user), number=number)
    context = page_context(request, ticket)
    context["mark_read"] = ticket.is_unread
    return render(request, TEMPLATE, context)


@require_POST
@staff_required
def ticket_read(request: HttpRequest, number: int) -> HttpResponse:
    """htmx, on load of an unread page: mark it read up to the customer message it showed."""
    ticket = get_ticket(request, number)
    form = ReadMarkForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(" ".join(form.errors["seen"]))
    mark_ticket_read(ticket, user=request.user, up_to=form.cleaned_data["seen"])
    return HttpResponse(status=204)


@staff_required
def ticket_fields(request: HttpRequest, number: int) -> HttpResponse:
    """GET: the fields with a sub-category's defaults pre-selected; POST: one save."""
    ticket = get_workable_ticket(request, number)
    if request.method != "POST":
        initial = with_subcategory_defaults(request.GET.dict())
        form = TicketFieldsForm(ticket=ticket, initial=initial)
        return render(
            request, f"{TEMPLATE}#ticket-fields", page_context(request, ticket, fields_form=form)
        )
    form = TicketFieldsForm(request.POST, ticket=ticket)
    if form.is_valid():
        try:
            services.change_ticket(
                ticket,
                by=request.user,
                expected_version=form.cleaned_data["expected_version"],
                **form.changes(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return respond(request, number, primary="ticket-fields", flash=("success", _("Saved.")))
    return render_page(request, ticket, primary="ticket-fields", fields_form=form)


def page_version(request: HttpRequest) -> int | None:
    """The ticket version the page showed (hidden field), so a stale page is refused."""
    return parse_id(request.POST.get("version"))


def simple_action(
    done: str, call: Callable[[HttpRequest, Ticket], object]
) -> Callable[[HttpRequest, int], HttpResponse]:
    """A POST-only assignment button: one service call, answered in the assignment part."""

    @require_POST
    @staff_required
    def view(request: HttpRequest, number: int) -> HttpResponse:
        ticket = get_workable_ticket(request, number)
        return run_action(
            request,
            number,
            primary="ticket-assignment",
            done=str(done),
            action=lambda: call(request, ticket),
        )

    return view


ticket_accept = simple_action(
    gettext_lazy("You accepted this ticket."),
    lambda request, ticket: services.accept_ticket(ticket, by=request.user),
)
ticket_assign_to_me = simple_action(
    gettext_lazy("Assigned to you."),
    lambda request, ticket: services.assign_ticket(
        ticket, agent=request.user, by=request.user, expected_version=page_version(request)
    ),
)
ticket_free = simple_action(
    gettext_lazy("The ticket is no longer assigned."),
    lambda request, ticket: services.free_ticket(
        ticket, by=request.user, expected_version=page_version(request)
    ),
)


@require_POST
@staff_required
def ticket_assign(request: HttpRequest, number: int) -> HttpResponse:
    ticket = get_workable_ticket(request, number)
    form = AssignForm(request.POST)
    if not form.is_valid():
        error = " ".join(form.errors["agent"])
        return respond(request, number, primary="ticket-assignment", flash=("error", error))
    agent = form.cleaned_data["agent"]
    return run_action(
        request,
        number,
        primary="ticket-assignment",
        done=_("Assigned to %(user)s.") % {"user": agent},
        action=lambda: services.assign_ticket(
            ticket, agent=agent, by=request.user, expected_version=page_version(request)
        ),
    )


@require_POST
@staff_required
def ticket_cc_add(request: HttpRequest, number: int) -> HttpResponse:
    ticket = get_workable_ticket(request, number)
    form = CCForm(request.POST)
    if form.is_valid():
        email = form.cleaned_data["email"]
        return run_action(
            request,
            number,
            primary="ticket-cc",
            done=_("%(email)s now receives the updates.") % {"email": email},
            action=lambda: services.add_cc(ticket, email=email, by=request.user),
        )
    return render_page(request, ticket, primary="ticket-cc", cc_form=form)


@require_POST
@staff_required
def ticket_cc_remove(request: HttpRequest, number: int) -> HttpResponse:
    ticket = get_workable_ticket(request, number)
    email = without_nul(request.POST.get("email", ""))
    return run_action(
        request,
        number,
        primary="ticket-cc",
        done=_("%(email)s no longer receives the updates.") % {"email": email},
        action=lambda: services.remove_cc(ticket, email=email, by=request.user),
    )


@staff_required
def attachment_download(request: HttpRequest, number: int, pk: int) -> FileResponse:
    """Serve an attachment of a ticket the user may see, always as a download."""
    ticket = get_ticket(request, number)
    attachment = get_object_or_404(Attachment, pk=pk, ticket=ticket)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


def chosen_reply_template(values: QueryDict) -> ReplyTemplate | None:
    """The active reply template picked in the form; none for a value that is not an id."""
    pk = parse_id(values.get("reply_template"))
    return ReplyTemplate.objects.active().filter(pk=pk).first() if pk is not None else None


@staff_required
def reply_template_text(request: HttpRequest, number: int) -> HttpResponse:
    """htmx: the reply text filled from the chosen reply template (204 when none is chosen)."""
    ticket = get_workable_ticket(request, number)
    template = chosen_reply_template(request.GET)
    if template is None:
        return HttpResponse(status=204)
    context = {"reply_form": reply_form_for(ticket, request.user, template)}
    return render(request, f"{TEMPLATE}#reply-text", context)


def _reply_refused(request: HttpRequest, ticket: Ticket, form: ReplyForm) -> HttpResponse:
    return render_page(request, ticket, primary="ticket-reply", reply_form=form)


@require_POST
@staff_required
def ticket_reply(request: HttpRequest, number: int) -> HttpResponse:
    """ "Send reply" and "Send and close"; without JavaScript also "Insert template"."""
    ticket = get_workable_ticket(request, number)
    form = ReplyForm(request.POST, request.FILES)
    action = request.POST.get("action", "reply")
    if action == "template":
        chosen = chosen_reply_template(request.POST)
        return _reply_refused(request, ticket, reply_form_for(ticket, request.user, chosen))
    if not form.is_valid():
        return _reply_refused(request, ticket, form)
    data = form.cleaned_data
    try:
        services.add_reply(
            ticket,
            by=request.user,
            text=data["text"],
            attachments=data["attachments"],
            notify_requester=data["notify_requester"],
            notify_cc=data["notify_cc"],
            notify_assignee=data["notify_assignee"],
            close=action == "close",
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _reply_refused(request, ticket, form)
    done = _("Reply sent and ticket closed.") if action == "close" else _("Reply sent.")
    return respond(request, number, primary="ticket-reply", flash=("success", done))


@require_POST
@staff_required
def ticket_note(request: HttpRequest, number: int) -> HttpResponse:
    """ "Add note": an internal note, never shown or mailed to the customer."""
    ticket = get_workable_ticket(request, number)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _reply_refused(request, ticket, form)
    try:
        services.add_note(
            ticket,
            by=request.user,
            text=form.cleaned_data["text"],
            attachments=form.cleaned_data["attachments"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _reply_refused(request, ticket, form)
    return respond(request, number, primary="ticket-reply", flash=("success", _("Note added.")))
