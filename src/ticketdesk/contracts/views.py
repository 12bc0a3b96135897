"""Contracts of a customer (from the customer page), their ledger and CSV, the ticket's
points panel, and Configuration → Support → Points."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from ticketdesk.core.permissions import admin_required, staff_required
from ticketdesk.customers.models import Customer
from ticketdesk.tickets.export import FORMULA_STARTS
from ticketdesk.tickets.permissions import visible_tickets

from .forms import ContractForm, MovementForm, PointsSettingsForm
from .models import Contract, Movement
from .panels import ticket_points_context
from .permissions import can_manage_contracts
from .services import config, contracts

LEDGER_SHOWN = 100
FORM_PAGE = "contracts/contract_form.html"
DETAIL_PAGE = "contracts/contract_detail.html"
TICKET_PARTIAL = "contracts/ticket_points.html#ticket-points"


def _customer(pk: int) -> Customer:
    return get_object_or_404(Customer, pk=pk)


def _contract(customer: Customer, pk: int, *, owned: bool = False) -> Contract:
    """The contract of (or, to read, shared with) this customer; any other id is a 404."""
    found = Contract.objects.filter(customer=customer) if owned else None
    found = found if found is not None else Contract.objects.for_customer(customer)
    return get_object_or_404(found.select_related("customer"), pk=pk)


def _contract_values(form: ContractForm) -> dict[str, Any]:
    return {key: form.cleaned_data[key] for key in form.fields}


@admin_required
def contract_create(request: HttpRequest, customer_pk: int) -> HttpResponse:
    customer = _customer(customer_pk)
    form = ContractForm(
        request.POST or None, customer=customer, initial={"valid_from": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            contract = contracts.create_contract(
                customer, by=request.user, **_contract_values(form)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The contract has been created."))
            return redirect(contract)
    return render(request, FORM_PAGE, {"form": form, "customer": customer})


@admin_required
def contract_edit(request: HttpRequest, customer_pk: int, pk: int) -> HttpResponse:
    customer = _customer(customer_pk)
    contract = _contract(customer, pk, owned=True)
    initial = {
        "name": contract.name,
        "total_points": contract.total_points,
        "alert_threshold": contract.alert_threshold,
        "signed_on": contract.signed_on,
        "valid_from": contract.valid_from,
        "valid_to": contract.valid_to,
        "is_active": contract.is_active,
        "shared_with": ", ".join(c.number for c in contract.shared_with.order_by("number")),
    }
    form = ContractForm(request.POST or None, customer=customer, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contracts.update_contract(contract, by=request.user, **_contract_values(form))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The contract has been saved."))
            return redirect(contract)
    context = {"form": form, "customer": customer, "contract": contract}
    return render(request, FORM_PAGE, context)


def _ledger_rows(contract: Contract, balance: int) -> list[tuple[Movement, int]]:
    """The newest movements, each with the balance after it (from the total, no more queries)."""
    movements = (
        Movement.objects.filter(contract=contract)
        .select_related("customer", "ticket", "by")
        .order_by("-created_at", "-pk")[:LEDGER_SHOWN]
    )
    rows = []
    for movement in movements:
        rows.append((movement, balance))
        balance -= movement.points
    return rows


def _detail(
    request: HttpRequest, customer: Customer, contract: Contract, **extra: Any
) -> HttpResponse:
    balance = Movement.objects.filter(contract=contract).total()
    can_manage = can_manage_contracts(request.user) and contract.customer_id == customer.pk
    context = {
        "customer": customer,
        "contract": contract,
        "shared_with": list(contract.shared_with.order_by("name", "pk")),
        "balance": balance,
        "rows": _ledger_rows(contract, balance),
        "limit": LEDGER_SHOWN,
        "can_manage": can_manage,
        "movement_form": extra.pop("movement_form", MovementForm() if can_manage else None),
        "currency": config.points_settings().currency,
        "price_per_point": config.points_settings().price_per_point,
    }
    return render(request, DETAIL_PAGE, context, status=extra.pop("status", 200))


@staff_required
@require_safe
def contract_detail(request: HttpRequest, customer_pk: int, pk: int) -> HttpResponse:
    customer = _customer(customer_pk)
    return _detail(request, customer, _contract(customer, pk))


@admin_required
@require_POST
def movement_add(request: HttpRequest, customer_pk: int, pk: int) -> HttpResponse:
    """A manual credit or debit; a refused one shows the page again with the reasons."""
    customer = _customer(customer_pk)
    contract = _contract(customer, pk, owned=True)
    form = MovementForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            contracts.add_manual_movement(
                contract,
                by=request.user,
                kind=data["kind"],
                points=data["points"],
                reason=data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The movement has been booked."))
            return redirect(contract)
    return _detail(request, customer, contract, movement_form=form, status=400)


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Line:
    def write(self, value: str) -> str:
        return value


def _csv_lines(contract: Contract, language: str | None) -> Iterator[str]:
    writer = csv.writer(_Line())
    with translation.override(language):
        yield "\ufeff" + writer.writerow(
            [
                _("Written"),
                _("Booked"),
                _("Kind"),
                _("Points"),
                _("Balance"),
                _("Customer"),
                _("Ticket"),
                _("Reason"),
                _("By"),
            ]
        )
        balance = 0
        movements = (
            Movement.objects.filter(contract=contract)
            .select_related("customer", "ticket", "by")
            .order_by("created_at", "pk")
        )
        for movement in movements.iterator(chunk_size=2000):
            balance += movement.points
            yield writer.writerow(
                [
                    _cell(timezone.localtime(movement.created_at).strftime("%Y-%m-%d %H:%M")),
                    _cell(timezone.localtime(movement.booked_at).strftime("%Y-%m-%d %H:%M")),
                    _cell(movement.get_kind_display()),
                    str(movement.points),
                    str(balance),
                    _cell(movement.customer.name),
                    _cell(movement.ticket.reference if movement.ticket else ""),
                    _cell(movement.reason),
                    _cell(movement.by or ""),
                ]
            )


@staff_required
@require_safe
def ledger_csv(request: HttpRequest, customer_pk: int, pk: int) -> StreamingHttpResponse:
    """The contract's whole ledger, oldest first, with the balance after each movement."""
    customer = _customer(customer_pk)
    contract = _contract(customer, pk)
    response = StreamingHttpResponse(
        _csv_lines(contract, translation.get_language()), content_type="text/csv; charset=utf-8"
    )
    filename = f"points-{contract.pk}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_required
@require_safe
def ticket_panel(request: HttpRequest, number: int) -> HttpResponse:
    """htmx: the ticket's points panel again (after time was logged); else the ticket page."""
    ticket = get_object_or_404(visible_tickets(request.user), number=number)
    if not request.htmx:
        return redirect(reverse("tickets:detail", args=[ticket.number]))
    context = ticket_points_context(ticket, request.user)
    if context is None:
        return HttpResponse("")
    return HttpResponse(render_to_string(TICKET_PARTIAL, {"points": context}, request))


@admin_required
def points_settings(request: HttpRequest) -> HttpResponse:
    """Configuration → Support → Points: value of a point, rounding, exhausted contracts."""
    current = config.points_settings()
    initial = {
        "minutes_per_point": current.minutes_per_point,
        "price_per_point": current.price_per_point,
        "rounding": current.rounding,
        "refuse_when_exhausted": current.refuse_when_exhausted,
    }
    form = PointsSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            config.save_points_settings(**form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The points settings have been saved."))
            return redirect("points:settings")
    context = {"form": form, "currency": current.currency}
    return render(request, "contracts/points_settings.html", context)
