"""Customers and contacts: search, read, create, change (the UI's forms validate)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q
from django.forms.models import model_to_dict
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from ticketdesk.core.forms import MAX_ID, without_nul
from ticketdesk.core.pagination import page_of
from ticketdesk.customers import services
from ticketdesk.customers.forms import ContactForm, CustomerForm
from ticketdesk.customers.models import CUSTOMER_FIELDS, Contact, Customer
from ticketdesk.customers.permissions import can_edit_customers

from .. import cursors, serializers
from ..errors import form_error
from ..schemas import (
    ContactIn,
    ContactOut,
    ContactPatch,
    CustomerIn,
    CustomerOut,
    CustomerPatch,
    Error,
)

router = Router(tags=["customers"])
ERRORS: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error, 429: Error}
PER_PAGE = 50
Pk = Path(..., ge=1, le=MAX_ID)


class CustomerPage(Schema):
    items: list[CustomerOut]
    next_cursor: str | None


class ContactPage(Schema):
    items: list[ContactOut]
    next_cursor: str | None


class SearchFilters(Schema):
    q: str | None = Field(None, max_length=200, description="Part of name, number or e-mail.")
    cursor: str | None = None


def _check_can_edit(request: HttpRequest) -> None:
    if not can_edit_customers(request.user):
        raise PermissionDenied(_("Read-only users cannot change customers."))


def _page(rows: Any, cursor: str | None, shape: Any) -> dict[str, Any]:
    page = page_of(rows, cursors.decode(cursor), per_page=PER_PAGE)
    return {
        "items": [shape(row) for row in page.object_list],
        "next_cursor": cursors.encode(page.number + 1) if page.has_next else None,
    }


def _form_data(instance: Model, fields: list[str], changes: dict[str, Any]) -> dict:
    """The form's input: the record's values (a new record's defaults) with the changes."""
    current = model_to_dict(instance, fields=fields)
    return {k: ("" if v is None else v) for k, v in {**current, **changes}.items()}


@router.get("/customers", response={200: CustomerPage, **ERRORS}, summary="Search customers")
def list_customers(request: HttpRequest, filters: Query[SearchFilters]) -> dict[str, Any]:
    rows = Customer.objects.search(without_nul(filters.q or "")).order_by("name", "pk")
    return _page(rows, filters.cursor, serializers.customer)


@router.get("/customers/{pk}", response={200: CustomerOut, **ERRORS}, summary="Read a customer")
def read_customer(request: HttpRequest, pk: int = Pk) -> dict[str, Any]:
    return serializers.customer(get_object_or_404(Customer, pk=pk))


@router.post("/customers", response={201: CustomerOut, **ERRORS}, summary="Create a customer")
def create_customer(request: HttpRequest, payload: CustomerIn) -> Any:
    _check_can_edit(request)
    form = CustomerForm(
        _form_data(Customer(), list(CUSTOMER_FIELDS), payload.dict(exclude_unset=True))
    )
    if not form.is_valid():
        raise form_error(form)
    return Status(201, serializers.customer(services.create_customer(**form.cleaned_data)))


@router.patch("/customers/{pk}", response={200: CustomerOut, **ERRORS}, summary="Change")
def change_customer(request: HttpRequest, payload: CustomerPatch, pk: int = Pk) -> Any:
    _check_can_edit(request)
    customer = get_object_or_404(Customer, pk=pk)
    changes = payload.dict(exclude_unset=True)
    form = CustomerForm(_form_data(customer, list(CUSTOMER_FIELDS), changes), instance=customer)
    if not form.is_valid():
        raise form_error(form)
    changed = {k: v for k, v in form.cleaned_data.items() if k in changes}
    return serializers.customer(services.update_customer(customer, **changed))


@router.get(
    "/customers/{pk}/contacts", response={200: ContactPage, **ERRORS}, summary="Its contacts"
)
def customer_contacts(
    request: HttpRequest, filters: Query[SearchFilters], pk: int = Pk
) -> dict[str, Any]:
    customer = get_object_or_404(Customer, pk=pk)
    rows = _contacts().filter(customers=customer)
    return _page(_search_contacts(rows, filters.q), filters.cursor, serializers.contact)


def _contacts() -> Any:
    return Contact.objects.prefetch_related("customers").order_by("name", "pk")


def _search_contacts(rows: Any, term: str | None) -> Any:
    term = without_nul(term or "").strip()
    if not term:
        return rows
    return rows.filter(Q(name__icontains=term) | Q(email__icontains=term))


@router.get("/contacts", response={200: ContactPage, **ERRORS}, summary="Search contacts")
def list_contacts(request: HttpRequest, filters: Query[SearchFilters]) -> dict[str, Any]:
    return _page(_search_contacts(_contacts(), filters.q), filters.cursor, serializers.contact)


@router.get("/contacts/{pk}", response={200: ContactOut, **ERRORS}, summary="Read a contact")
def read_contact(request: HttpRequest, pk: int = Pk) -> dict[str, Any]:
    return serializers.contact(get_object_or_404(_contacts(), pk=pk))


def _save_contact(contact: Contact | None, changes: dict[str, Any]) -> Contact:
    fields = ["name", "email", "phone", "language", "is_active", "portal_access", "portal_admin"]
    data = _form_data(contact or Contact(), fields, changes)
    if "customers" not in data:
        data["customers"] = [c.pk for c in contact.customers.all()] if contact else []
    linked = list(Customer.objects.filter(pk__in=data["customers"]))
    form = ContactForm(data, instance=contact, linked=linked)
    if not form.is_valid():
        raise form_error(form)
    cleaned = form.cleaned_data
    customers = cleaned.pop("all_customers")
    kept = {k: v for k, v in cleaned.items() if k not in {"customers", "add_customer"}}
    if contact is None:
        return services.create_contact(customers=customers, **kept)
    return services.update_contact(contact, customers=customers, **kept)


@router.post("/contacts", response={201: ContactOut, **ERRORS}, summary="Create a contact")
def create_contact(request: HttpRequest, payload: ContactIn) -> Any:
    _check_can_edit(request)
    contact = _save_contact(None, payload.dict())
    return Status(201, serializers.contact(_contacts().get(pk=contact.pk)))


@router.patch("/contacts/{pk}", response={200: ContactOut, **ERRORS}, summary="Change a contact")
def change_contact(request: HttpRequest, payload: ContactPatch, pk: int = Pk) -> Any:
    _check_can_edit(request)
    contact = get_object_or_404(Contact, pk=pk)
    _save_contact(contact, payload.dict(exclude_unset=True))
    return serializers.contact(_contacts().get(pk=pk))
