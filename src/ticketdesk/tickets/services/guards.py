"""Checks every ticket service shares: who acts, on which version, with which entries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db.models import Model

from ticketdesk.core.config_cache import cached
from ticketdesk.tickets import errors
from ticketdesk.tickets.models import Priority, Status, Ticket, TicketEvent

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User


def require_agent(by: User | None) -> None:
    """System actors (None: mail routing, tasks) may act; people must be agents."""
    if by is not None and not by.is_agent:
        raise PermissionDenied(errors.NOT_AN_AGENT)


def lock_ticket(ticket: Ticket) -> Ticket:
    """Reload the ticket under a row lock so concurrent writers queue up."""
    # With its status, which nearly every service reads next (only the ticket row is locked).
    rows = Ticket.objects.select_for_update(of=("self",)).select_related("status")
    locked = rows.get(pk=ticket.pk)
    ticket.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    ticket._state.fields_cache.clear()
    ticket._state.fields_cache.update(locked._state.fields_cache)
    return ticket


def last_editor_name(ticket: Ticket) -> str:
    event = (
        TicketEvent.objects.filter(ticket=ticket)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )
    if event is None:
        return "?"
    return str(event.actor) if event.actor else event.actor_label or "?"


def check_version(ticket: Ticket, expected_version: int | None) -> None:
    """Refuse a write based on a page that is older than the ticket."""
    if expected_version is not None and ticket.version != expected_version:
        raise ValidationError(
            errors.STALE_VERSION, code="stale", params={"user": last_editor_name(ticket)}
        )


def check_active(entry: Model | None) -> None:
    if entry is not None and not getattr(entry, "is_active", True):
        raise ValidationError(errors.INACTIVE_ENTRY, code="inactive", params={"entry": entry})


def is_assignable(user: User) -> bool:
    """May work tickets and be given them: active, Support team, agent or administrator."""
    return user.is_active and user.is_support_team and user.is_agent


def check_assignable(agent: User) -> None:
    if not agent.is_active:
        raise ValidationError(errors.INACTIVE_USER, code="inactive_user", params={"user": agent})
    if not agent.is_support_team:
        raise ValidationError(
            errors.NOT_SUPPORT_TEAM, code="not_support_team", params={"user": agent}
        )
    if not agent.is_agent:
        raise ValidationError(
            errors.CANNOT_WORK_TICKETS, code="cannot_work_tickets", params={"user": agent}
        )


def clean_email(email: str) -> str:
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            errors.INVALID_EMAIL, code="invalid_email", params={"email": email}
        ) from None
    return email


def default_status() -> Status:
    status = cached("tickets.default_status", _load_default_status)
    if status is None:
        raise ValidationError(errors.NO_DEFAULT_STATUS, code="no_default_status")
    return status


def _load_default_status() -> Status | None:
    status = Status.objects.active().filter(is_default=True, is_closed=False).first()
    return status or Status.objects.active().filter(is_closed=False).first()


def closed_status() -> Status:
    status = cached("tickets.closed_status", Status.objects.active().filter(is_closed=True).first)
    if status is None:
        raise ValidationError(errors.NO_CLOSED_STATUS, code="no_closed_status")
    return status


def default_priority() -> Priority:
    priority = cached("tickets.default_priority", _load_default_priority)
    if priority is None:
        raise ValidationError(errors.NO_DEFAULT_PRIORITY, code="no_default_priority")
    return priority


def _load_default_priority() -> Priority | None:
    active = Priority.objects.active()
    return active.filter(is_default=True).first() or active.first()


def status_flagged(flag: str) -> Status | None:
    """The first active status carrying an automation flag such as set_on_agent_reply."""
    filters: dict[str, Any] = {flag: True}
    return cached(f"tickets.status.{flag}", Status.objects.active().filter(**filters).first)
