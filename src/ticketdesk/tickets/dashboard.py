"""The tickets panel of the start page: the agent's queues, SLA trouble, today's work.

Every number is a capped count (`listing.capped_count`: at most 1,000 index entries
read, "999+" beyond), answered by the partial SLA, assignee, team and date indexes,
so the panel costs the same at a thousand or a million tickets. Each number links to
the ticket list showing exactly those tickets.
"""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticketdesk.tickets.listing import (
    UNASSIGNED,
    ListChoices,
    TicketListView,
    capped_count,
)
from ticketdesk.tickets.permissions import visible_tickets
from ticketdesk.tickets.sla_state import SlaState, sla_filter


def tickets_panel(request: HttpRequest) -> dict[str, Any] | None:
    user = request.user
    choices = ListChoices.load()
    now = timezone.now()
    open_ids = choices.status_ids(closed=False)
    visible = visible_tickets(user)
    open_tickets = visible.filter(status_id__in=open_ids)
    teams = list(user.teams.values_list("pk", flat=True))
    team_tickets = visible_tickets(user)
    if teams:
        team_tickets = team_tickets.filter(team__in=teams)
    today = _start_of_today(now)
    queues = [
        (
            _("My open tickets"),
            capped_count(open_tickets.filter(assignee=user)),
            {"view": TicketListView.MINE},
        ),
        (
            _("Unassigned in my teams"),
            capped_count(open_tickets.filter(assignee__isnull=True, team__in=teams)),
            {"view": TicketListView.TEAMS, "assignee": UNASSIGNED},
        ),
        (
            _("At risk"),
            capped_count(visible.filter(sla_filter(SlaState.AT_RISK, now=now, closed_too=False))),
            {"view": TicketListView.OPEN, "sla": SlaState.AT_RISK},
        ),
        (
            _("Breached"),
            capped_count(visible.filter(sla_filter(SlaState.BREACHED, now=now, closed_too=False))),
            {"view": TicketListView.OPEN, "sla": SlaState.BREACHED},
        ),
    ]
    activity = [
        (
            _("First responses today"),
            capped_count(team_tickets.filter(first_response_at__gte=today)),
        ),
        (_("Closed today"), capped_count(team_tickets.filter(closed_at__gte=today))),
    ]
    list_url = reverse("tickets:list")
    return {
        "queues": [
            (label, count, f"{list_url}?{urlencode(query)}") for label, count, query in queues
        ],
        "activity": activity,
        "activity_scope": _("your teams") if teams else _("all teams"),
    }


def _start_of_today(now: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)
