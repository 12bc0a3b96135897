"""Reports: the page with every section, each section as JSON and CSV, the customer report."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from ticketdesk.core.permissions import staff_required
from ticketdesk.customers.models import Customer

from .customer import TICKETS_EXPORTED, customer_report, customer_tickets, tickets_csv
from .export import csv_filename, report_csv, report_json
from .forms import ReportFilterForm
from .permissions import report_scope
from .query import ReportQuery
from .sections import SECTIONS, build_report


def _form(request: HttpRequest) -> ReportFilterForm:
    return ReportFilterForm(request.GET, scope=report_scope(request.user))


@staff_required
@require_GET
def report_index(request: HttpRequest) -> HttpResponse:
    """Every section for the filters: a chart (drawn from the JSON) beside its table."""
    form = _form(request)
    if not form.is_valid():
        return render(request, "reports/index.html", {"form": form}, status=400)
    query = form.to_query()
    params = urlencode(query.as_params(), doseq=True)
    sections = [
        {
            "report": build_report(slug, query),
            "json_url": f"{reverse('reports:json', args=[slug])}?{params}",
            "csv_url": f"{reverse('reports:csv', args=[slug])}?{params}",
        }
        for slug in SECTIONS
    ]
    context = {"form": form, "query": query, "sections": sections}
    if len(query.customers) == 1:
        context["customer_url"] = _customer_url(query.customers[0], query)
    return render(request, "reports/index.html", context)


@staff_required
@require_GET
def report_section_json(request: HttpRequest, section: str) -> JsonResponse:
    """One section as JSON (the chart's data, and for scripts); bad filters: 400 with reasons."""
    form = _form(request)
    if not form.is_valid():
        return JsonResponse({"errors": form.error_messages()}, status=400)
    query = form.to_query()
    return JsonResponse(report_json(build_report(section, query), query))


@staff_required
@require_GET
def report_section_csv(request: HttpRequest, section: str) -> HttpResponse:
    """One section's table as CSV; bad filters: 400 with the reasons as text."""
    form = _form(request)
    if not form.is_valid():
        return _bad_request_text(form)
    query = form.to_query()
    report = build_report(section, query)
    return _csv_response(report_csv(report), csv_filename(report, query))


@staff_required
@require_GET
def customer_support_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable support report of one customer for a date range."""
    customer = get_object_or_404(Customer, pk=pk)
    form = _form(request)
    if not form.is_valid():
        context = {"form": form, "customer": customer}
        return render(request, "reports/customer.html", context, status=400)
    query = _customer_query(form.to_query(), customer)
    context: dict[str, Any] = {
        "form": form,
        "customer": customer,
        "report": customer_report(customer, query),
        "csv_url": f"{reverse('reports:customer_csv', args=[customer.pk])}?"
        f"{urlencode({'from': query.first, 'to': query.last})}",
    }
    return render(request, "reports/customer.html", context)


@staff_required
@require_GET
def customer_support_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer report's ticket table as CSV."""
    customer = get_object_or_404(Customer, pk=pk)
    form = _form(request)
    if not form.is_valid():
        return _bad_request_text(form)
    query = _customer_query(form.to_query(), customer)
    number = re.sub(r"[^A-Za-z0-9_-]", "_", customer.number)
    filename = f"report-customer-{number}-{query.first:%Y-%m-%d}-{query.last:%Y-%m-%d}.csv"
    tickets = customer_tickets(query, limit=TICKETS_EXPORTED)
    return _csv_response(tickets_csv(tickets), filename)


def _customer_query(query: ReportQuery, customer: Customer) -> ReportQuery:
    """The customer report counts its customer's tickets in the range; no other filter."""
    return ReportQuery(
        first=query.first,
        last=query.last,
        period=query.period,
        customers=(customer.pk,),
        scope=query.scope,
    )


def _customer_url(pk: int, query: ReportQuery) -> str:
    params = urlencode({"from": query.first, "to": query.last})
    return f"{reverse('reports:customer', args=[pk])}?{params}"


def _csv_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _bad_request_text(form: ReportFilterForm) -> HttpResponse:
    lines = [
        f"{name}: {message}"
        for name, messages in form.error_messages().items()
        for message in messages
    ]
    return HttpResponse(
        "\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8"
    )
