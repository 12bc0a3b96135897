"""Who may see and decide on incoming mail (pure checks)."""

from __future__ import annotations

from typing import Any


def can_view_inbox(user: Any) -> bool:
    """Staff (agents, administrators, read-only users) see waiting messages."""
    return bool(user.is_authenticated and user.is_staff_member)


def can_decide_inbox(user: Any) -> bool:
    """Agents and administrators create tickets from, append or discard waiting messages."""
    return bool(user.is_authenticated and user.is_agent)
