"""Agent views of customers: list, type-ahead search, record page, contacts and support notes."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ticketdesk.core.forms import parse_id, parse_search
from ticketdesk.core.pagination import page_of
from ticketdesk.core.permissions import staff_required
from ticketdesk.core.sorting import sort_columns

from . import services
from .forms import ContactForm, CustomerForm, CustomerListForm, SupportNoteForm
from .models import Contact, Customer, SupportNote
from .page_panels import customer_panels
from .permissions import can_edit_customers, check_can_edit_customers

PAGE_SIZE = 50
SEARCH_LIMIT = 20
TICKETS_SHOWN = 50
SORTABLE = {
    "number": ("number", gettext_lazy("Number")),
    "name": ("name", gettext_lazy("Name")),
    "type": ("kind", gettext_lazy("Type")),
    "city": ("city", gettext_lazy("City")),
    "email": ("email", gettext_lazy("E-mail")),
}


@staff_required
def customer_list(request: HttpRequest) -> HttpResponse:
    form = CustomerListForm(request.GET)
    term = form.value("q", "").strip()
    sort = form.value("sort", "name")
    if sort.removeprefix("-") not in SORTABLE:
        sort = "name"
    field = SORTABLE[sort.removeprefix("-")][0]
    order = f"-{field}" if sort.startswith("-") else field
    customers = Customer.objects.search(term).order_by(order, "pk")
    context = {
        "page": page_of(customers, form.value("page", 1), per_page=PAGE_SIZE),
        "q": term,
        "sort": sort,
        "columns": sort_columns({key: label for key, (_f, label) in SORTABLE.items()}, sort),
        "can_edit": can_edit_customers(request.user),
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "customers/customer_list.html"
    response = render(request, f"{template}#customer-results" if partial else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@staff_required
def customer_search(request: HttpRequest) -> HttpResponse:
    """Type-ahead search for customer fields: the top 20 matches by name.

    GET /customers/search/?q=<term> (URL name ``customers:search``) matches name,
    number and e-mail (``CustomerQuerySet.search``); an empty term matches nothing.
    When the term comes from an input with another name (htmx sends an input's
    own name), ``?field=<that name>`` says which parameter holds it.

    Answers, by request:

    - ``Accept: application/json`` or ``?format=json``: JSON
      ``[{"id": 1, "number": "K00001", "name": "Example GmbH"}, ...]``;
    - ``?format=options``: ``<option value="<number>" data-id="<id>">Name (number)</option>``
      elements, to swap into a ``<datalist>``;
    - otherwise an HTML fragment for htmx: ``<ul class="typeahead-results" role="listbox">``
      with one ``<li role="option" data-id data-number data-name>`` per customer,
      holding a link to the customer's page; no match gives a "No customers found" item.
    """
    raw = request.GET.get("q") or request.GET.get(request.GET.get("field", "q"), "")
    term = parse_search(raw).strip()
    customers = list(Customer.objects.search(term)[:SEARCH_LIMIT]) if term else []
    wants = request.GET.get("format", "")
    if wants == "json" or (not wants and "application/json" in request.headers.get("Accept", "")):
        return JsonResponse(
            [{"id": c.pk, "number": c.number, "name": c.name} for c in customers], safe=False
        )
    template = "customers/search_options.html" if wants == "options" else "customers/search.html"
    response = render(request, template, {"customers": customers, "q": term})
    patch_vary_headers(response, ["Accept"])
    return response


@staff_required
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=pk)
    tickets = customer.tickets.select_related("status", "priority", "assignee")[:TICKETS_SHOWN]
    context = {
        "customer": customer,
        "contacts": customer.contacts.all(),
        "notes": customer.support_notes.all(),
        "tickets": tickets,
        "tickets_shown": TICKETS_SHOWN,
        # The ticket pages belong to the tickets app, which builds on this one. The list's
        # customer filter takes what its type-ahead fills in: "Name (number)".
        "ticket_list_url": f"{reverse('tickets:list')}?{urlencode({'customer': str(customer)})}",
        "new_ticket_url": f"{reverse('tickets:new')}?customer={customer.pk}",
        "can_edit": can_edit_customers(request.user),
        "note_form": SupportNoteForm(),
        "panels": customer_panels(customer, request.user),
    }
    return render(request, "customers/customer_detail.html", context)


@staff_required
def customer_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    check_can_edit_customers(request.user)
    customer = get_object_or_404(Customer, pk=pk) if pk else None
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST" and form.is_valid():
        if customer is None:
            customer = services.create_customer(**form.cleaned_data)
            messages.success(request, _("The customer has been created."))
        else:
            services.update_customer(customer, **form.cleaned_data)
            messages.success(request, _("The customer has been saved."))
        return redirect(customer)
    return render(request, "customers/customer_form.html", {"form": form, "customer": customer})


@staff_required
def contact_form(
    request: HttpRequest, customer_pk: int | None = None, pk: int | None = None
) -> HttpResponse:
    check_can_edit_customers(request.user)
    contact = get_object_or_404(Contact, pk=pk) if pk else None
    back_to_pk = customer_pk or parse_id(request.GET.get("customer"))
    back_to = Customer.objects.filter(pk=back_to_pk).first() if back_to_pk else None
    linked = list(contact.customers.all()) if contact else [c for c in [back_to] if c]
    form = ContactForm(
        request.POST or None,
        instance=contact,
        linked=linked,
        initial={"customers": [c.pk for c in linked]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        customers = data.pop("all_customers")
        fields = {k: v for k, v in data.items() if k not in {"customers", "add_customer"}}
        if contact is None:
            contact = services.create_contact(customers=customers, **fields)
            messages.success(request, _("The contact has been created."))
        else:
            services.update_contact(contact, customers=customers, **fields)
            messages.success(request, _("The contact has been saved."))
        return redirect(back_to if back_to in customers else customers[0])
    context = {"form": form, "contact": contact, "back_to": back_to}
    return render(request, "customers/contact_form.html", context)


@staff_required
def note_form(
    request: HttpRequest, customer_pk: int | None = None, pk: int | None = None
) -> HttpResponse:
    check_can_edit_customers(request.user)
    note = get_object_or_404(SupportNote.objects.select_related("customer"), pk=pk) if pk else None
    customer = note.customer if note else get_object_or_404(Customer, pk=customer_pk)
    form = SupportNoteForm(request.POST or None, instance=note)
    if request.method == "POST" and form.is_valid():
        if note is None:
            services.add_support_note(customer, **form.cleaned_data)
            messages.success(request, _("The support note has been added."))
        else:
            services.update_support_note(note, **form.cleaned_data)
            messages.success(request, _("The support note has been saved."))
        return redirect(customer)
    context = {"form": form, "note": note, "customer": customer}
    return render(request, "customers/note_form.html", context)


@staff_required
@require_POST
def note_delete(request: HttpRequest, pk: int) -> HttpResponse:
    check_can_edit_customers(request.user)
    note = get_object_or_404(SupportNote.objects.select_related("customer"), pk=pk)
    services.delete_support_note(note)
    messages.success(request, _("The support note has been deleted."))
    return redirect(note.customer)
