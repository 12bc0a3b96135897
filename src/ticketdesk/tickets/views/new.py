"""The new-ticket form.

One view serves the page and its htmx parts: the requester list for the
chosen customer, the priority and team a sub-category pre-selects, and the
subject and text a ticket template fills in. Without JavaScript the
"Apply template" and "Show contacts" buttons post the form back to do the same.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ticketdesk.core.forms import parse_id
from ticketdesk.core.permissions import staff_required
from ticketdesk.tickets import services
from ticketdesk.tickets.forms import NewTicketForm, find_customer_quietly, with_subcategory_defaults
from ticketdesk.tickets.models import TicketTemplate
from ticketdesk.tickets.permissions import can_work_tickets

TEMPLATE = "tickets/ticket_new.html"
PARTIALS = {"new-requester", "new-defaults", "new-text"}
# Submit buttons that only refresh the form (no-JS counterparts of the htmx updates).
REFRESH_BUTTONS = ("apply_template", "show_contacts")


def prefilled(values: QueryDict, *, defaults: bool, template: bool) -> dict[str, Any]:
    """Initial values from what was entered, completed by customer, sub-category, template."""
    initial: dict[str, Any] = {
        key: values.get(key) for key in values if key != "csrfmiddlewaretoken"
    }
    customer = find_customer_quietly(initial.get("customer"), initial.get("customer_query", ""))
    if customer is not None:
        initial.update(customer=customer.pk, customer_query=str(customer))
        contacts = list(customer.contacts.active()[:2])
        if not initial.get("requester") and len(contacts) == 1:
            initial["requester"] = contacts[0].pk
    if defaults:
        initial = with_subcategory_defaults(initial)
    chosen = parse_id(values.get("ticket_template"))
    ticket_template = TicketTemplate.objects.active().filter(pk=chosen).first() if chosen else None
    if template and ticket_template is not None:
        initial.update(subject=ticket_template.subject, description=ticket_template.body)
    return initial


@staff_required
def ticket_new(request: HttpRequest) -> HttpResponse:
    if not can_work_tickets(request.user):
        raise PermissionDenied
    refresh = any(name in request.POST for name in REFRESH_BUTTONS)
    if request.method == "POST" and not refresh:
        form = NewTicketForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                ticket = services.open_ticket(by=request.user, **form.open_kwargs())
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Ticket %(ticket)s opened.") % {"ticket": ticket.reference}
                )
                return redirect(ticket)
        return render(request, TEMPLATE, {"form": form})
    target = request.htmx.target if request.htmx else None
    values = request.POST if refresh else request.GET
    initial = prefilled(
        values,
        defaults=target == "new-defaults",
        template=target == "new-text" or "apply_template" in request.POST,
    )
    form = NewTicketForm(initial=initial)
    if target in PARTIALS:
        return render(request, f"{TEMPLATE}#{target}", {"form": form})
    return render(request, TEMPLATE, {"form": form})
