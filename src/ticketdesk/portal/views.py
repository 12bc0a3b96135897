"""The contact's pages: my tickets, a ticket with its public timeline, reply, close, new."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ticketdesk.core.pagination import page_of
from ticketdesk.core.sorting import sort_columns
from ticketdesk.customers.models import Contact, Customer
from ticketdesk.tickets.models import Ticket
from ticketdesk.tickets.services import add_customer_message, close_ticket

from . import services
from .forms import CustomerChoiceForm, PortalReplyForm, PortalTicketForm, TicketSearchForm
from .pages import contact_required, render_portal
from .permissions import portal_customers, public_attachments, visible_tickets
from .timeline import customer_status, public_timeline

PER_PAGE = 25
CUSTOMER_SESSION_KEY = "portal_customer"
SORTS = {
    "number": ("number", gettext_lazy("Number")),
    "subject": ("subject", gettext_lazy("Subject")),
    "status": ("status__order", gettext_lazy("Status")),
    "updated": ("updated_at", gettext_lazy("Last update")),
}
DEFAULT_SORT = "-updated"


def current_customer(request: HttpRequest, contact: Contact) -> Customer | None:
    """The customer whose tickets the list shows: the one chosen last, else the first."""
    customers = portal_customers(contact)
    chosen = request.session.get(CUSTOMER_SESSION_KEY)
    customer = customers.filter(pk=chosen).first() if isinstance(chosen, int) else None
    return customer or customers.first()


def get_portal_ticket(contact: Contact, number: int) -> Ticket:
    """A ticket the contact may see, else 404 (another customer's ticket does not exist)."""
    tickets = visible_tickets(contact).select_related("status", "customer")
    return get_object_or_404(tickets, number=number)


@contact_required
@require_GET
def ticket_list(request: HttpRequest) -> HttpResponse:
    contact = request.contact
    customer = current_customer(request, contact)
    search = TicketSearchForm(request.GET)
    term = search.cleaned_data["q"] if search.is_valid() else ""
    sort = request.GET.get("sort", DEFAULT_SORT)
    if sort.removeprefix("-") not in SORTS:
        sort = DEFAULT_SORT
    field = SORTS[sort.removeprefix("-")][0]
    order = [f"-{field}", "-pk"] if sort.startswith("-") else [field, "pk"]
    tickets = visible_tickets(contact).filter(customer=customer).search(term)
    rows = tickets.select_related("status").order_by(*order)
    page = page_of(rows, request.GET.get("page"), per_page=PER_PAGE)
    customers = portal_customers(contact)
    context = {
        "page": page,
        "rows": [(ticket, customer_status(ticket.status)) for ticket in page],
        "columns": sort_columns({key: label for key, (_f, label) in SORTS.items()}, sort),
        "search": search,
        "term": term,
        "customer": customer,
        "customer_form": CustomerChoiceForm(customers=customers, initial={"customer": customer})
        if customers[:2].count() > 1
        else None,
    }
    return render_portal(request, "portal/ticket_list.html", context)


@contact_required
@require_POST
def switch_customer(request: HttpRequest) -> HttpResponse:
    """Show the tickets of another customer of the contact (one login, several customers)."""
    form = CustomerChoiceForm(request.POST, customers=portal_customers(request.contact))
    if not form.is_valid():
        raise Http404
    request.session[CUSTOMER_SESSION_KEY] = form.cleaned_data["customer"].pk
    return redirect("portal:tickets")


def _detail(
    request: HttpRequest, ticket: Ticket, *, reply_form: PortalReplyForm | None = None
) -> HttpResponse:
    context = {
        "ticket": ticket,
        "status": customer_status(ticket.status),
        "timeline": public_timeline(ticket),
        "reply_form": reply_form or PortalReplyForm(),
        "can_close": not ticket.status.is_closed,
    }
    return render_portal(request, "portal/ticket_detail.html", context)


@contact_required
@require_GET
def ticket_detail(request: HttpRequest, number: int) -> HttpResponse:
    return _detail(request, get_portal_ticket(request.contact, number))


@contact_required
@require_POST
def ticket_reply(request: HttpRequest, number: int) -> HttpResponse:
    """The contact's reply: a customer message (status flags and assignee notice apply)."""
    contact = request.contact
    ticket = get_portal_ticket(contact, number)
    form = PortalReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            add_customer_message(
                ticket,
                text=form.cleaned_data["text"],
                contact=contact,
                attachments=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your message has been sent."))
            return redirect("portal:ticket", number=ticket.number)
    return _detail(request, ticket, reply_form=form)


@contact_required
@require_POST
def ticket_close(request: HttpRequest, number: int) -> HttpResponse:
    """ "Problem solved – close ticket"."""
    contact = request.contact
    ticket = get_portal_ticket(contact, number)
    try:
        close_ticket(ticket, by=None, actor_label=contact.name)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you. The ticket has been closed."))
    return redirect("portal:ticket", number=ticket.number)


@contact_required
@require_GET
def attachment_download(request: HttpRequest, number: int, pk: int) -> FileResponse:
    """A file of the ticket's public timeline, always as a download."""
    ticket = get_portal_ticket(request.contact, number)
    attachment = get_object_or_404(public_attachments(ticket), pk=pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )


@contact_required
@require_http_methods(["GET", "POST"])
def ticket_new(request: HttpRequest) -> HttpResponse:
    contact = request.contact
    customers = portal_customers(contact)
    form = PortalTicketForm(
        request.POST or None,
        request.FILES or None,
        customers=customers,
        initial={"customer": current_customer(request, contact)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.open_portal_ticket(
                contact,
                customer=data["customer"],
                subject=data["subject"],
                text=data["text"],
                category=data["category"],
                attachments=data["attachments"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Your ticket %(ticket)s has been opened.") % {"ticket": ticket.reference}
            )
            return redirect("portal:ticket", number=ticket.number)
    return render_portal(request, "portal/ticket_new.html", {"form": form})
