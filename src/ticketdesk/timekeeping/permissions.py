"""Who may see, log and change time on tickets (pure checks, no writes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ticketdesk.tickets.permissions import can_work_tickets, is_staff_user

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User

    from .models import TimeSegment


def can_view_time(user: User) -> bool:
    """Everyone in the agent workspace sees the time on the tickets they see (read-only too)."""
    return is_staff_user(user)


def can_log_time(user: User) -> bool:
    """The timer runs, and time can be added, for agents and administrators only."""
    return can_work_tickets(user)


def can_change_segment(user: User, segment: TimeSegment) -> bool:
    """An agent corrects and deletes their own time; an administrator anyone's."""
    if not can_log_time(user):
        return False
    return segment.agent_id == user.pk or user.is_administrator
