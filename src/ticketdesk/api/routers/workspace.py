"""Read-only views of the workspace: configuration lists, users, the start page's counts,
time segments and incoming mail."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema
from pydantic import Field

from ticketdesk.accounts.models import Team, User
from ticketdesk.core.forms import MAX_ID
from ticketdesk.core.pagination import page_of
from ticketdesk.inbound.models import InboundMessage, InboundStatus
from ticketdesk.tickets.dashboard import tickets_panel
from ticketdesk.tickets.models import Category, Priority, Status, SubCategory
from ticketdesk.tickets.permissions import visible_tickets
from ticketdesk.timekeeping.models import TimeSegment

from .. import cursors, serializers
from ..schemas import (
    DashboardOut,
    Error,
    IncomingMailOut,
    ListEntry,
    PriorityEntry,
    StatusEntry,
    SubCategoryEntry,
    TeamEntry,
    TimeSegmentOut,
    UserEntry,
)

router = Router()
ERRORS: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error, 429: Error}
DASHBOARD_KEYS = [
    "my_open",
    "unassigned_in_my_teams",
    "at_risk",
    "breached",
    "first_responses_today",
    "closed_today",
]


def _entry(row: Any, **extra: Any) -> dict[str, Any]:
    return {
        "id": row.pk,
        "name_de": row.name_de,
        "name_en": row.name_en,
        "name": row.name,
        "is_active": row.is_active,
        **extra,
    }


@router.get("/statuses", response={200: list[StatusEntry], **ERRORS}, tags=["configuration"])
def statuses(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        _entry(
            row,
            is_closed=row.is_closed,
            waits_for_customer=row.waits_for_customer,
            pauses_sla=row.pauses_sla,
        )
        for row in Status.objects.all()
    ]


@router.get("/priorities", response={200: list[PriorityEntry], **ERRORS}, tags=["configuration"])
def priorities(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        _entry(
            row,
            first_response_minutes=row.first_response_minutes,
            resolution_minutes=row.resolution_minutes,
        )
        for row in Priority.objects.all()
    ]


@router.get("/categories", response={200: list[ListEntry], **ERRORS}, tags=["configuration"])
def categories(request: HttpRequest) -> list[dict[str, Any]]:
    return [_entry(row) for row in Category.objects.all()]


@router.get(
    "/subcategories", response={200: list[SubCategoryEntry], **ERRORS}, tags=["configuration"]
)
def subcategories(request: HttpRequest) -> list[dict[str, Any]]:
    return [_entry(row, category=row.category_id) for row in SubCategory.objects.all()]


@router.get("/teams", response={200: list[TeamEntry], **ERRORS}, tags=["configuration"])
def teams(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"id": row.pk, "name": row.name} for row in Team.objects.order_by("name")]


@router.get("/users", response={200: list[UserEntry], **ERRORS}, tags=["configuration"])
def users(request: HttpRequest) -> list[dict[str, Any]]:
    """Active staff: the people tickets can be assigned to and events name."""
    rows = User.objects.active().filter(role__in=["admin", "agent", "readonly"])
    return [
        {
            "id": row.pk,
            "name": str(row),
            "email": row.email,
            "role": row.role,
            "is_support_team": row.is_support_team,
        }
        for row in rows
    ]


@router.get("/dashboard", response={200: DashboardOut, **ERRORS}, tags=["dashboard"])
def dashboard(request: HttpRequest) -> dict[str, str]:
    """The start page's counts for the calling user."""
    panel = tickets_panel(request) or {"queues": [], "activity": []}
    counts = [count for _label, count, _url in panel["queues"]]
    counts += [count for _label, count in panel["activity"]]
    return dict(zip(DASHBOARD_KEYS, counts, strict=True))


class TimeSegmentPage(Schema):
    items: list[TimeSegmentOut]
    next_cursor: str | None


@router.get(
    "/tickets/{number}/time",
    response={200: TimeSegmentPage, **ERRORS},
    tags=["time"],
    summary="Time segments of a ticket",
)
def ticket_time(
    request: HttpRequest,
    number: int = Path(..., ge=1, le=MAX_ID),
    cursor: str | None = None,
) -> dict[str, Any]:
    ticket = get_object_or_404(visible_tickets(request.user), number=number)
    rows = TimeSegment.objects.filter(ticket=ticket).select_related("agent")
    page = page_of(rows.order_by("started_at", "pk"), cursors.decode(cursor), per_page=100)
    return {
        "items": [
            {
                "id": row.pk,
                "ticket": ticket.number,
                "agent": serializers.person(row.agent),
                "started_at": row.started_at,
                "minutes": row.minutes,
                "billable": row.billable,
                "source": row.source,
                "comment": row.comment,
            }
            for row in page.object_list
        ],
        "next_cursor": cursors.encode(page.number + 1) if page.has_next else None,
    }


class IncomingFilters(Schema):
    status: InboundStatus | None = Field(None, description="Only messages in this state.")
    cursor: str | None = None


class IncomingPage(Schema):
    items: list[IncomingMailOut]
    next_cursor: str | None


@router.get("/incoming", response={200: IncomingPage, **ERRORS}, tags=["incoming mail"])
def incoming(request: HttpRequest, filters: Query[IncomingFilters]) -> dict[str, Any]:
    """Stored incoming mail, newest first (the raw bytes stay in the agent UI)."""
    rows = InboundMessage.objects.without_raw().exclude(status=InboundStatus.REPEAT)
    if filters.status:
        rows = rows.filter(status=filters.status)
    rows = rows.select_related("ticket").order_by("-received_at", "-pk")
    page = page_of(rows, cursors.decode(filters.cursor), per_page=50)
    return {
        "items": [
            {
                "id": row.pk,
                "message_id": row.message_id,
                "subject": row.subject,
                "sender": row.from_address,
                "status": row.status,
                "received_at": row.received_at,
                "ticket": row.ticket.number if row.ticket_id else None,
            }
            for row in page.object_list
        ],
        "next_cursor": cursors.encode(page.number + 1) if page.has_next else None,
    }
