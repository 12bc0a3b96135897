"""Where a ticket stands against its SLA: on track, at risk, breached, paused (pure).

Reads the columns the SLA clock keeps (`tickets.services.sla_clock`); the list's
filters ask the same question in SQL (`sla_filter`), so a badge and a filter never
disagree.
"""

from __future__ import annotations

import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from ticketdesk.tickets.models import Ticket


class SlaState(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    PAUSED = "paused"

    @property
    def label(self) -> str:
        return str(SLA_STATE_LABELS[self])


SLA_STATE_LABELS = {
    SlaState.ON_TRACK: _("on track"),
    SlaState.AT_RISK: _("at risk"),
    SlaState.BREACHED: _("breached"),
    SlaState.PAUSED: _("paused"),
}


def sla_state(ticket: Ticket, *, now: datetime.datetime) -> SlaState | None:
    """The ticket's state; a closed ticket is judged by the targets it met or missed.

    None when the ticket has no target. Open tickets are judged by the running target
    (first response until answered, then resolution), at risk from `sla_at_risk_at`.
    """
    if ticket.closed_at is not None:
        met = [ticket.first_response_breached, ticket.resolution_breached]
        if True in met:
            return SlaState.BREACHED
        return SlaState.ON_TRACK if False in met else None
    if ticket.sla_paused_at is not None:
        return SlaState.PAUSED
    if ticket.sla_due_at is None:
        return None
    if now >= ticket.sla_due_at:
        return SlaState.BREACHED
    if ticket.sla_at_risk_at is not None and now >= ticket.sla_at_risk_at:
        return SlaState.AT_RISK
    return SlaState.ON_TRACK


def sla_filter(state: str, *, now: datetime.datetime, closed_too: bool = True) -> Q:
    """The tickets in `state` (closed ones by the targets they met), as a filter.

    The open part is answered by the partial SLA indexes; with `closed_too=False` only
    running targets count (an open ticket has one, a closed one never), which those
    indexes answer alone, without a status filter.
    """
    if not closed_too:
        return _running(state, now)
    closed = Q(closed_at__isnull=False)
    missed = Q(first_response_breached=True) | Q(resolution_breached=True)
    match state:
        case SlaState.BREACHED:
            return Q(sla_due_at__lte=now) | (closed & missed)
        case SlaState.AT_RISK:
            return Q(sla_due_at__gt=now, sla_at_risk_at__lte=now)
        case SlaState.ON_TRACK:
            running = Q(sla_due_at__gt=now) & (Q(sla_at_risk_at__gt=now) | Q(sla_at_risk_at=None))
            met = Q(first_response_breached=False) | Q(resolution_breached=False)
            return running | (closed & ~missed & met)
        case SlaState.PAUSED:
            return Q(sla_paused_at__isnull=False, closed_at__isnull=True)
    raise ValueError(f"unknown SLA state {state!r}")


def _running(state: str, now: datetime.datetime) -> Q:
    match state:
        case SlaState.BREACHED:
            return Q(sla_due_at__lte=now)
        case SlaState.AT_RISK:
            # The few targets still ahead first (sla_due_at index), then their risk.
            return Q(sla_due_at__gt=now, sla_at_risk_at__lte=now)
        case SlaState.ON_TRACK:
            return Q(sla_due_at__gt=now) & (Q(sla_at_risk_at__gt=now) | Q(sla_at_risk_at=None))
        case SlaState.PAUSED:
            return Q(sla_paused_at__isnull=False, closed_at__isnull=True)
    raise ValueError(f"unknown SLA state {state!r}")
