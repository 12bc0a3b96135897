"""Who may see contracts and their points, and who manages them (pure checks, no writes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ticketdesk.tickets.permissions import is_staff_user

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User


def can_view_points(user: User) -> bool:
    """Every staff member sees contracts, balances and the ledger (read-only users too)."""
    return is_staff_user(user)


def can_manage_contracts(user: User) -> bool:
    """Contracts, their credits and debits and the points settings: administrators only."""
    return bool(user.is_authenticated and user.is_administrator)
