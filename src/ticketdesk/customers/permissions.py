"""Who may see and change customer records (pure checks)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from ticketdesk.accounts.models import User


def can_edit_customers(user: User) -> bool:
    """Agents and administrators change customers; read-only users only look."""
    return user.is_agent


def check_can_edit_customers(user: User) -> None:
    if not can_edit_customers(user):
        raise PermissionDenied
