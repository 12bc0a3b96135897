"""Billable time consumes points: the time-keeping hooks of contracts.

The unit that is charged is the segment (rounding per time entry: each billable entry
costs its minutes rounded up to whole points) or the ticket (rounding per ticket: the
ticket's billable minutes rounded up once). After every change of a segment the unit's
charge is brought to its target: when it differs, what the unit was charged is reversed
exactly (per contract) and the target charged anew, so a corrected or deleted entry
always leaves a reversing movement and the ledger stays the sum of what happened.

A charge goes to the customer's contracts valid on the day of the work (owned or shared
with it), oldest first: each gives what it has left; what none can cover goes to the
newest of them (its balance turns negative). No valid contract: nothing is charged.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Max, Sum
from django.utils import timezone

from ticketdesk.tickets.models import Ticket
from ticketdesk.timekeeping.hooks import SegmentChange, SegmentState
from ticketdesk.timekeeping.models import TimeSegment

from .. import errors
from ..models import Contract, Movement, MovementKind, MovementQuerySet, PointsSettings, Rounding
from .config import points_settings
from .ledger import Ledger, lock_contracts


def valid_contract_ids(customer_id: int, day: datetime.date) -> list[int]:
    """The customer's contracts valid on `day`, oldest first."""
    contracts = Contract.objects.for_customer(customer_id).valid_on(day).oldest_first()
    return list(contracts.values_list("pk", flat=True))


def is_exhausted(customer_id: int, day: datetime.date) -> bool:
    """The customer has contracts valid on `day` and none has a point left (two queries)."""
    ids = valid_contract_ids(customer_id, day)
    if not ids:
        return False
    balances = Movement.objects.filter(contract__in=ids).balances()
    return all(balances.get(pk, 0) <= 0 for pk in ids)


def _ticket_billable_minutes(ticket: Ticket) -> int:
    return TimeSegment.objects.for_ticket(ticket).billable().totals().total


def _state_minutes(state: SegmentState | None) -> int:
    return state.minutes if state is not None and state.billable else 0


def _consumes_more(change: SegmentChange, config: PointsSettings) -> bool:
    before, after = _state_minutes(change.before), _state_minutes(change.after)
    if config.rounding == Rounding.PER_TICKET:
        now = _ticket_billable_minutes(change.ticket)
        return config.points_for(now - before + after) > config.points_for(now)
    return config.points_for(after) > config.points_for(before)


def refuse_when_exhausted(change: SegmentChange) -> None:
    """Guard: with the setting on, billable time that would take points from an exhausted
    contract is refused (ValidationError CONTRACT_EXHAUSTED)."""
    config = points_settings()
    if not config.refuse_when_exhausted or change.after is None or not change.after.billable:
        return
    if not _consumes_more(change, config):
        return
    day = timezone.localdate(change.after.started_at)
    if is_exhausted(change.ticket.customer_id, day):
        raise ValidationError(errors.CONTRACT_EXHAUSTED, code="exhausted")


def charge_segment_change(change: SegmentChange) -> None:
    """Listener: bring the charge of the changed segment (or its ticket) to its target."""
    if change.segment_id is None:
        return
    config = points_settings()
    state = change.after or change.before
    if state is None:
        return
    if config.rounding == Rounding.PER_TICKET:
        unit = Movement.objects.of_time().filter(ticket=change.ticket)
        target = config.points_for(_ticket_billable_minutes(change.ticket))
        moved = False
    else:
        unit = Movement.objects.of_time().filter(segment_id=change.segment_id)
        target = config.points_for(_state_minutes(change.after))
        moved = (
            change.before is not None
            and change.after is not None
            and change.before.started_at != change.after.started_at
        )
    _recharge(change, unit, target=target, booked_at=state.started_at, force=moved)


def _recharge(
    change: SegmentChange,
    unit: MovementQuerySet,
    *,
    target: int,
    booked_at: datetime.datetime,
    force: bool,
) -> None:
    charged = list(
        unit.order_by()
        .values("contract")
        .annotate(net=Sum("points"), booked=Max("booked_at"))
        .filter(net__lt=0)
    )
    if -sum(row["net"] for row in charged) == target and not force:
        return
    ticket = change.ticket
    valid = valid_contract_ids(ticket.customer_id, timezone.localdate(booked_at))
    contracts = lock_contracts([*valid, *(row["contract"] for row in charged)])
    ledger = Ledger(contracts)
    common = {
        "customer_id": ticket.customer_id,
        "ticket": ticket,
        "segment_id": change.segment_id,
        "by": change.by,
    }
    for row in charged:
        ledger.add(
            contracts[row["contract"]],
            points=-row["net"],
            kind=MovementKind.REVERSAL,
            booked_at=row["booked"],
            **common,
        )
    remaining = target
    for index, pk in enumerate(valid):
        if remaining <= 0:
            break
        last = index == len(valid) - 1
        take = remaining if last else min(remaining, max(ledger.balance[pk], 0))
        ledger.add(
            contracts[pk], points=-take, kind=MovementKind.TIME, booked_at=booked_at, **common
        )
        remaining -= take
    ledger.save()
