"""Tickets: the list (views, filters, search, sort, cursor pages), create, read, change, the
workflow actions, replies, notes, attachments and the event history."""

from __future__ import annotations

import base64
import binascii
import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from ticketdesk.accounts.models import User
from ticketdesk.core.forms import EARLIEST_DATE, LATEST_DATE, MAX_ID, without_nul
from ticketdesk.customers.models import Customer
from ticketdesk.tickets import listing, services
from ticketdesk.tickets.forms import NewTicketForm, TicketFieldsForm, ticket_field_values
from ticketdesk.tickets.list_forms import OPENED_RANGE_REVERSED
from ticketdesk.tickets.listing import ListChoices, TicketListQuery
from ticketdesk.tickets.models import Attachment, Message, Ticket, TicketEvent
from ticketdesk.tickets.permissions import can_work_tickets, visible_tickets
from ticketdesk.tickets.services import AttachmentInput
from ticketdesk.tickets.sla_state import SlaState

from .. import cursors, serializers
from ..errors import field_error, form_error
from ..schemas import (
    AssignIn,
    AttachmentIn,
    Error,
    EventOut,
    MessageOut,
    NoteIn,
    ReplyIn,
    TicketChange,
    TicketCreate,
    TicketOut,
    TicketPage,
    Versioned,
)

router = Router(tags=["tickets"])
ERRORS: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error, 429: Error}
Number = Path(..., ge=1, le=MAX_ID, description="The ticket number (10042 for T-10042).")


ViewName = Literal[tuple(listing.TicketListView.values)]  # type: ignore[valid-type]
SortKey = Literal[tuple(f"{d}{key}" for key in listing.COLUMNS for d in ("", "-"))]  # type: ignore[valid-type]
SlaName = Literal[tuple(state.value for state in SlaState)]  # type: ignore[valid-type]
FilterId = Annotated[int, Field(ge=0, le=MAX_ID)]


class TicketFilters(Schema):
    view: ViewName = Field(listing.DEFAULT_VIEW.value, description="The list's view tab.")
    sort: SortKey = Field(listing.DEFAULT_SORT, description="A column, '-' first: descending.")
    q: str = Field("", max_length=200, description="Search in subject and customer.")
    status: FilterId | None = None
    priority: FilterId | None = None
    category: FilterId | None = None
    team: FilterId | None = None
    assignee: FilterId | None = Field(None, description="User id; 0 for unassigned.")
    customer: str = Field("", max_length=200, description="Customer name or number (part).")
    opened_from: datetime.date | None = Field(None, ge=EARLIEST_DATE, le=LATEST_DATE)
    opened_to: datetime.date | None = Field(None, ge=EARLIEST_DATE, le=LATEST_DATE)
    sla: SlaName | None = None
    cursor: str | None = Field(None, max_length=40, description="next_cursor of the last page.")


def _with_columns(tickets: Any) -> Any:
    """What the API shows of a ticket beyond the list's columns: requester, sub-category."""
    return listing.with_columns(tickets).select_related("requester", "subcategory")


def _rows(request: HttpRequest) -> Any:
    return _with_columns(visible_tickets(request.user))


def _ticket(request: HttpRequest, number: int) -> Ticket:
    return get_object_or_404(_rows(request), number=number)


def _workable(request: HttpRequest, number: int) -> Ticket:
    if not can_work_tickets(request.user):
        raise PermissionDenied(_("Read-only users cannot change tickets."))
    return _ticket(request, number)


def _fresh(request: HttpRequest, number: int) -> dict[str, Any]:
    return serializers.ticket(_ticket(request, number), now=timezone.now())


def _attachments(files: list[AttachmentIn]) -> list[AttachmentInput]:
    decoded = []
    for index, item in enumerate(files):
        try:
            content = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise field_error(
                f"attachments.{index}.content_base64", _("Not valid base64.")
            ) from None
        decoded.append(
            AttachmentInput(name=item.name, content=content, content_type=item.content_type)
        )
    return decoded


@router.get("/tickets", response={200: TicketPage, **ERRORS}, summary="List tickets")
def list_tickets(request: HttpRequest, filters: Query[TicketFilters]) -> dict[str, Any]:
    """The agent list's views, filters, search and sort; pages of 50 without counting.

    An id that matches nothing filters to nothing (no error), as a link to a deleted
    entry would."""
    if filters.opened_from and filters.opened_to and filters.opened_from > filters.opened_to:
        raise field_error("opened_to", str(OPENED_RANGE_REVERSED))
    query = TicketListQuery(
        view=filters.view,
        sort=filters.sort,
        search=without_nul(filters.q),
        status=filters.status,
        priority=filters.priority,
        category=filters.category,
        team=filters.team,
        assignee=filters.assignee,
        customer=without_nul(filters.customer),
        opened_from=filters.opened_from,
        opened_to=filters.opened_to,
        sla=filters.sla or "",
        page=cursors.decode(filters.cursor),
    )
    choices = ListChoices.load()
    page = listing.fetch_page(
        listing.filtered_tickets(request.user, query, choices),
        listing.sort_segments(query, choices),
        number=query.page,
        decorate=_with_columns,
    )
    return {
        "items": serializers.tickets(page.object_list, now=timezone.now()),
        "next_cursor": cursors.encode(page.number + 1) if page.has_next else None,
    }


@router.post("/tickets", response={201: TicketOut, **ERRORS}, summary="Open a ticket")
def create_ticket(request: HttpRequest, payload: TicketCreate) -> Status:
    """Opens a ticket as the agent form does (confirmation mail, SLA targets, events)."""
    if not can_work_tickets(request.user):
        raise PermissionDenied(_("Read-only users cannot change tickets."))
    number = Customer.objects.filter(pk=payload.customer).values_list("number", flat=True)
    data = {
        "customer": payload.customer,
        "customer_query": number.first() or f"#{payload.customer}",
        "subject": payload.subject,
        "description": payload.text,
        **{
            name: getattr(payload, name)
            for name in ("requester", "category", "subcategory", "priority", "team", "assignee")
            if getattr(payload, name) is not None
        },
    }
    form = NewTicketForm(data)
    if not form.is_valid():
        error = form_error(form)
        if "customer_query" in error.fields:
            error.fields["customer"] = error.fields.pop("customer_query")
        raise error
    kwargs = {
        **form.open_kwargs(),
        "attachments": _attachments(payload.attachments),
        "cc": payload.cc,
        "source": "api",
    }
    ticket = services.open_ticket(by=request.user, **kwargs)
    return Status(201, _fresh(request, ticket.number))


@router.get("/tickets/{number}", response={200: TicketOut, **ERRORS}, summary="Read a ticket")
def read_ticket(request: HttpRequest, number: int = Number) -> dict[str, Any]:
    return _fresh(request, number)


@router.patch("/tickets/{number}", response={200: TicketOut, **ERRORS}, summary="Change fields")
def change_ticket(request: HttpRequest, payload: TicketChange, number: int = Number) -> Any:
    """Change priority, category, sub-category, status, team or the estimated date in one
    change-set (one notification). Only the keys sent change; null clears an optional one."""
    ticket = _workable(request, number)
    values = {**ticket_field_values(ticket), **payload.dict(exclude_unset=True)}
    data = {k: ("" if v is None else getattr(v, "pk", v)) for k, v in values.items()}
    if payload.expected_version is None:
        data["expected_version"] = ticket.version
    form = TicketFieldsForm(data, ticket=ticket)
    if not form.is_valid():
        raise form_error(form)
    services.change_ticket(
        ticket, by=request.user, expected_version=payload.expected_version, **form.changes()
    )
    return _fresh(request, number)


@router.post("/tickets/{number}/accept", response={200: TicketOut, **ERRORS}, summary="Accept")
def accept(request: HttpRequest, number: int = Number) -> Any:
    """Take the ticket; of two agents accepting at once one wins, the other gets 409."""
    services.accept_ticket(_workable(request, number), by=request.user)
    return _fresh(request, number)


@router.post("/tickets/{number}/assign", response={200: TicketOut, **ERRORS}, summary="Assign")
def assign(request: HttpRequest, payload: AssignIn, number: int = Number) -> Any:
    ticket = _workable(request, number)
    agent = User.objects.support_team().filter(pk=payload.agent).first()
    if agent is None:
        raise field_error("agent", _("Not an assignable agent."), "invalid_choice")
    services.assign_ticket(
        ticket, agent=agent, by=request.user, expected_version=payload.expected_version
    )
    return _fresh(request, number)


@router.post("/tickets/{number}/free", response={200: TicketOut, **ERRORS}, summary="Free")
def free(request: HttpRequest, payload: Versioned, number: int = Number) -> Any:
    services.free_ticket(
        _workable(request, number), by=request.user, expected_version=payload.expected_version
    )
    return _fresh(request, number)


@router.post("/tickets/{number}/close", response={200: TicketOut, **ERRORS}, summary="Close")
def close(request: HttpRequest, payload: Versioned, number: int = Number) -> Any:
    services.close_ticket(
        _workable(request, number), by=request.user, expected_version=payload.expected_version
    )
    return _fresh(request, number)


@router.post("/tickets/{number}/reopen", response={200: TicketOut, **ERRORS}, summary="Reopen")
def reopen(request: HttpRequest, payload: Versioned, number: int = Number) -> Any:
    services.reopen_ticket(
        _workable(request, number), by=request.user, expected_version=payload.expected_version
    )
    return _fresh(request, number)


@router.get(
    "/tickets/{number}/messages", response={200: list[MessageOut], **ERRORS}, summary="Messages"
)
def messages(request: HttpRequest, number: int = Number) -> list[dict[str, Any]]:
    """The conversation, oldest first: customer messages, replies and internal notes."""
    ticket = _ticket(request, number)
    rows = Message.objects.filter(ticket=ticket).order_by("created_at", "pk")
    return [serializers.message(row, number=number) for row in rows.prefetch_related("attachments")]


def _new_message(ticket: Ticket, changeset: Any) -> dict[str, Any]:
    message = Message.objects.prefetch_related("attachments").get(pk=changeset.message.pk)
    return serializers.message(message, number=ticket.number)


@router.post("/tickets/{number}/replies", response={201: MessageOut, **ERRORS}, summary="Reply")
def reply(request: HttpRequest, payload: ReplyIn, number: int = Number) -> Any:
    """A public reply, mailed to the requester and copied addresses per the switches."""
    ticket = _workable(request, number)
    changeset = services.add_reply(
        ticket,
        by=request.user,
        text=payload.text,
        attachments=_attachments(payload.attachments),
        notify_requester=payload.notify_requester,
        notify_cc=payload.notify_cc,
        notify_assignee=payload.notify_assignee,
        close=payload.close,
    )
    return Status(201, _new_message(ticket, changeset))


@router.post("/tickets/{number}/notes", response={201: MessageOut, **ERRORS}, summary="Note")
def note(request: HttpRequest, payload: NoteIn, number: int = Number) -> Any:
    """An internal note: never shown or mailed to the customer."""
    ticket = _workable(request, number)
    changeset = services.add_note(
        ticket, by=request.user, text=payload.text, attachments=_attachments(payload.attachments)
    )
    return Status(201, _new_message(ticket, changeset))


@router.get(
    "/tickets/{number}/attachments/{pk}",
    response={200: bytes, **ERRORS},
    url_name="ticket_attachment",
    summary="Download an attachment",
)
def attachment(
    request: HttpRequest, number: int = Number, pk: int = Path(..., ge=1, le=MAX_ID)
) -> FileResponse:
    row = get_object_or_404(Attachment, pk=pk, ticket=_ticket(request, number))
    return FileResponse(
        row.file.open("rb"), as_attachment=True, filename=row.name, content_type=row.content_type
    )


@router.get("/tickets/{number}/events", response={200: list[EventOut], **ERRORS}, summary="History")
def events(request: HttpRequest, number: int = Number) -> list[dict[str, Any]]:
    ticket = _ticket(request, number)
    rows = TicketEvent.objects.filter(ticket=ticket).select_related("actor").order_by("pk")
    return [serializers.event(row) for row in rows]
