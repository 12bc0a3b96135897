"""Warnings before and at an SLA breach, to the assignee or else the ticket's team."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Value, When
from django.utils import timezone

from ticketdesk.accounts.models import Role, User
from ticketdesk.tickets.models import (
    Audience,
    NotificationEvent,
    SlaTarget,
    SlaWarning,
    Ticket,
)
from ticketdesk.tickets.notifications import (
    notification_text,
    queue_ticket_mail,
    sla_placeholder_values,
)

# Tickets handled per run; the next run (minutes later) takes the rest, oldest first.
BATCH = 500


def due_warnings(now: datetime.datetime) -> list[Ticket]:
    """Open tickets whose running target is at risk or missed and not yet warned about.

    Each carries `sla_target` and `sla_event`; the partial indexes on the SLA columns
    and the unique warning row keep this cheap however many tickets exist.
    """
    target = Case(
        When(
            Q(first_response_at__isnull=True, target_first_response_at=F("sla_due_at")),
            then=Value(SlaTarget.FIRST_RESPONSE),
        ),
        default=Value(SlaTarget.RESOLUTION),
        output_field=CharField(),
    )
    event = Case(
        When(sla_due_at__lte=now, then=Value(NotificationEvent.SLA_BREACHED)),
        default=Value(NotificationEvent.SLA_WARNING),
        output_field=CharField(),
    )
    sent = SlaWarning.objects.filter(
        ticket=OuterRef("pk"), target=OuterRef("sla_target"), event=OuterRef("sla_event")
    )
    tickets = (
        Ticket.objects.filter(sla_at_risk_at__lte=now, sla_due_at__isnull=False)
        .annotate(sla_target=target, sla_event=event)
        .exclude(Exists(sent))
        .select_related("status", "priority", "customer", "requester", "assignee", "team")
        .order_by("sla_at_risk_at", "pk")
    )
    return list(tickets[:BATCH])


def send_sla_warnings(now: datetime.datetime | None = None) -> int:
    """Warn about every due target once; returns the number of warnings recorded.

    A ticket first seen after its target passed gets only the breach notice. Two
    workers racing on one ticket: the unique warning row lets one of them send.
    """
    now = now or timezone.now()
    tickets = due_warnings(now)
    members = _team_members({t.team_id for t in tickets if t.assignee_id is None and t.team_id})
    recorded = 0
    for ticket in tickets:
        recipients = _recipients(ticket, members)
        try:
            with transaction.atomic():
                SlaWarning.objects.create(
                    ticket=ticket,
                    target=ticket.sla_target,
                    event=ticket.sla_event,
                    due_at=ticket.sla_due_at,
                    sent_at=now,
                )
                _queue(ticket, recipients)
        except IntegrityError:
            continue  # another worker warned about it meanwhile
        recorded += 1
    return recorded


def _team_members(team_ids: set[int]) -> dict[int, list[User]]:
    found: dict[int, list[User]] = defaultdict(list)
    if not team_ids:
        return found
    agents = User.objects.active().filter(role__in=[Role.ADMINISTRATOR, Role.AGENT])
    rows = agents.filter(teams__in=team_ids).annotate(team_id=F("teams"))
    for user in rows.order_by("pk"):
        found[user.team_id].append(user)
    return found


def _recipients(ticket: Ticket, members: dict[int, list[User]]) -> list[User]:
    assignee = ticket.assignee
    if assignee is not None and assignee.is_active and assignee.email:
        return [assignee]
    return [user for user in members.get(ticket.team_id or 0, []) if user.email]


def _queue(ticket: Ticket, recipients: list[User]) -> None:
    for user in recipients:
        language = user.language or settings.LANGUAGE_CODE
        values = sla_placeholder_values(
            ticket,
            target=ticket.sla_target,
            due=ticket.sla_due_at,
            language=language,
            agent_name=user.get_full_name(),
        )
        queue_ticket_mail(
            ticket,
            event=ticket.sla_event,
            audience=Audience.AGENT,
            to=[user.email],
            cc=[],
            language=language,
            text=notification_text(ticket.sla_event, language),
            values=values,
            message=None,
        )
