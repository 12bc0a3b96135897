"""The ticket list: views, filters, sorting, pagination, bulk actions and CSV export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from ticketdesk.accounts.services import remember_ticket_list_view
from ticketdesk.core.permissions import staff_required
from ticketdesk.core.sorting import sort_columns
from ticketdesk.tickets import export, listing
from ticketdesk.tickets.list_forms import BulkActionForm, ListViewChoiceForm, TicketListForm
from ticketdesk.tickets.listing import ListChoices
from ticketdesk.tickets.permissions import can_work_tickets
from ticketdesk.tickets.services.bulk import BulkResult, bulk_change_tickets


@staff_required
@vary_on_headers("HX-Request")
def ticket_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _choose_view(request)
    choices = ListChoices.load()
    form = TicketListForm(request.GET, choices=choices, default_view=request.user.ticket_list_view)
    query = form.to_query()
    tickets = listing.filtered_tickets(request.user, query, choices)
    page = listing.fetch_page(
        tickets,
        listing.sort_segments(query, choices),
        number=query.page,
        decorate=lambda qs: listing.with_unread(listing.with_columns(qs), request.user),
    )
    listing.add_links(page.object_list)
    can_bulk = can_work_tickets(request.user)
    context = {
        "form": form,
        "query": query,
        "page": page,
        "views": listing.view_tabs(request.user, choices),
        "columns": sort_columns(listing.COLUMNS, query.sort),
        "can_bulk": can_bulk,
        "bulk_form": BulkActionForm(user=request.user, choices=choices) if can_bulk else None,
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "tickets/ticket_list.html" + ("#ticket-table" if partial else "")
    return render(request, template, context)


def _choose_view(request: HttpRequest) -> HttpResponseRedirect:
    """The view switcher posts: remember the chosen view, then show it with the other filters.

    Only a POST remembers it; a GET with `?view=` shows that view and changes nothing, so a
    link or an image in a mail cannot change what the list opens with.
    """
    form = ListViewChoiceForm(request.POST)
    if not form.is_valid():
        return HttpResponseRedirect(_list_url(""))
    view = form.cleaned_data["view"]
    remember_ticket_list_view(request.user, view=view)
    return HttpResponseRedirect(_list_url(form.cleaned_data["query"], view=view))


@staff_required
def ticket_export(request: HttpRequest) -> StreamingHttpResponse:
    """The current view, filters and sort as CSV: every matching row, streamed."""
    choices = ListChoices.load()
    form = TicketListForm(request.GET, choices=choices, default_view=request.user.ticket_list_view)
    query = form.to_query()
    rows = listing.iter_tickets(
        listing.filtered_tickets(request.user, query, choices),
        listing.sort_segments(query, choices),
        decorate=export.export_values,
    )
    response = StreamingHttpResponse(
        export.csv_lines(rows, ticket_url=export.ticket_url_maker(request.build_absolute_uri)),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"tickets-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_required
@require_POST
def ticket_bulk(request: HttpRequest) -> HttpResponseRedirect:
    """Apply one action to the selected tickets, each through the ticket services."""
    if not can_work_tickets(request.user):
        raise PermissionDenied
    form = BulkActionForm(request.POST, user=request.user, choices=ListChoices.load())
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return HttpResponseRedirect(_list_url(request.POST.get("query", "")))
    result = bulk_change_tickets(form.cleaned_data["tickets"], by=request.user, **form.change())
    _report(request, result)
    return HttpResponseRedirect(_list_url(form.cleaned_data["query"]))


def _report(request: HttpRequest, result: BulkResult) -> None:
    if result.changed:
        count = len(result.changed)
        messages.success(
            request,
            ngettext("%(count)d ticket changed.", "%(count)d tickets changed.", count)
            % {"count": count},
        )
    if result.unchanged:
        count = len(result.unchanged)
        messages.info(
            request,
            ngettext(
                "%(count)d ticket already had this value.",
                "%(count)d tickets already had this value.",
                count,
            )
            % {"count": count},
        )
    for ticket, error in result.failed:
        messages.error(
            request,
            _("%(ticket)s was not changed: %(error)s")
            % {"ticket": ticket.reference, "error": error},
        )


def _list_url(query: str, *, view: str | None = None) -> str:
    """Back to the list as it was (in `view`, from its first page, if given).

    The query string is re-encoded, the path is fixed.
    """
    params = QueryDict(query.lstrip("?"), mutable=True)
    if view is not None:
        params["view"] = view
        params.pop("page", None)
    encoded = params.urlencode()
    return reverse("tickets:list") + (f"?{encoded}" if encoded else "")
