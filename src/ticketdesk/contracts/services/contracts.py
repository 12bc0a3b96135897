"""Contracts of a customer: create, change, and manual credits and debits (administrators).

A contract's total points enter the ledger as its opening credit; a later change of the
total writes an adjustment of the difference, so the balance stays the sum of the ledger.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .. import errors
from ..models import MAX_POINTS, REASON_MAX_LENGTH, Contract, MovementKind
from ..permissions import can_manage_contracts
from .ledger import Ledger, lock_contracts

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User
    from ticketdesk.customers.models import Customer


def check_contract_values(
    *,
    customer: Customer,
    name: str,
    total_points: int,
    alert_threshold: int,
    valid_from: datetime.date,
    valid_to: datetime.date | None,
    shared_with: Iterable[Customer],
) -> None:
    """The rules every contract keeps, whoever writes it; all errors at once."""
    problems: dict[str, ValidationError] = {}
    if not name.strip():
        problems["name"] = ValidationError(errors.NAME_REQUIRED, code="required")
    if total_points < 0:
        problems["total_points"] = ValidationError(errors.POINTS_NEGATIVE, code="min")
    elif total_points > MAX_POINTS:
        problems["total_points"] = ValidationError(
            errors.POINTS_TOO_MANY, code="max", params={"limit": MAX_POINTS}
        )
    if alert_threshold < 0:
        problems["alert_threshold"] = ValidationError(errors.THRESHOLD_NEGATIVE, code="min")
    if valid_to is not None and valid_to < valid_from:
        problems["valid_to"] = ValidationError(errors.VALID_TO_BEFORE_FROM, code="range")
    if any(other.pk == customer.pk for other in shared_with):
        problems["shared_with"] = ValidationError(errors.SHARED_WITH_OWNER, code="owner")
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def create_contract(
    customer: Customer,
    *,
    by: User,
    name: str,
    total_points: int,
    alert_threshold: int = 0,
    signed_on: datetime.date | None = None,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    is_active: bool = True,
    shared_with: Iterable[Customer] = (),
) -> Contract:
    """A new contract of `customer`. Side effects: its opening credit in the ledger."""
    if not can_manage_contracts(by):
        raise PermissionDenied(errors.CANNOT_MANAGE)
    shared = list(shared_with)
    check_contract_values(
        customer=customer,
        name=name,
        total_points=total_points,
        alert_threshold=alert_threshold,
        valid_from=valid_from,
        valid_to=valid_to,
        shared_with=shared,
    )
    contract = Contract.objects.create(
        customer=customer,
        name=name.strip(),
        total_points=total_points,
        alert_threshold=alert_threshold,
        signed_on=signed_on,
        valid_from=valid_from,
        valid_to=valid_to,
        is_active=is_active,
    )
    contract.shared_with.set(shared)
    ledger = Ledger(lock_contracts([contract.pk]))
    ledger.add(
        contract, points=total_points, kind=MovementKind.OPENING, booked_at=timezone.now(), by=by
    )
    ledger.save()
    return contract


@transaction.atomic
def update_contract(
    contract: Contract,
    *,
    by: User,
    name: str,
    total_points: int,
    alert_threshold: int,
    signed_on: datetime.date | None,
    valid_from: datetime.date,
    valid_to: datetime.date | None,
    is_active: bool,
    shared_with: Iterable[Customer],
) -> Contract:
    """Change a contract. Side effects: an adjustment movement when the total changed
    (its difference; a lowered total can cross the alert threshold)."""
    if not can_manage_contracts(by):
        raise PermissionDenied(errors.CANNOT_MANAGE)
    locked = lock_contracts([contract.pk])[contract.pk]
    shared = list(shared_with)
    check_contract_values(
        customer=locked.customer,
        name=name,
        total_points=total_points,
        alert_threshold=alert_threshold,
        valid_from=valid_from,
        valid_to=valid_to,
        shared_with=shared,
    )
    difference = total_points - locked.total_points
    locked.name = name.strip()
    locked.total_points = total_points
    locked.alert_threshold = alert_threshold
    locked.signed_on = signed_on
    locked.valid_from = valid_from
    locked.valid_to = valid_to
    locked.is_active = is_active
    ledger = Ledger({locked.pk: locked})
    locked.save()
    locked.shared_with.set(shared)
    ledger.add(
        locked, points=difference, kind=MovementKind.ADJUSTMENT, booked_at=timezone.now(), by=by
    )
    ledger.save()
    return locked


@transaction.atomic
def add_manual_movement(
    contract: Contract,
    *,
    by: User,
    kind: str,
    points: int,
    reason: str,
) -> Contract:
    """A manual credit (top-up) or debit of `points` (positive) with its reason.

    Side effects: one movement; a debit can cross the alert threshold (alert mail).
    """
    if not can_manage_contracts(by):
        raise PermissionDenied(errors.CANNOT_MANAGE)
    kind = MovementKind(kind)
    if kind not in {MovementKind.CREDIT, MovementKind.DEBIT}:
        raise ValueError(f"not a manual movement: {kind}")
    reason = reason.strip()
    problems: dict[str, ValidationError] = {}
    if points < 1:
        problems["points"] = ValidationError(errors.POINTS_NOT_POSITIVE, code="min")
    elif points > MAX_POINTS:
        problems["points"] = ValidationError(
            errors.POINTS_TOO_MANY, code="max", params={"limit": MAX_POINTS}
        )
    if not reason:
        problems["reason"] = ValidationError(errors.REASON_REQUIRED, code="required")
    elif len(reason) > REASON_MAX_LENGTH:
        problems["reason"] = ValidationError(
            errors.REASON_TOO_LONG, code="max_length", params={"limit": REASON_MAX_LENGTH}
        )
    if problems:
        raise ValidationError(problems)
    locked = lock_contracts([contract.pk])[contract.pk]
    ledger = Ledger({locked.pk: locked})
    signed = points if kind == MovementKind.CREDIT else -points
    ledger.add(locked, points=signed, kind=kind, booked_at=timezone.now(), reason=reason, by=by)
    ledger.save()
    return locked
