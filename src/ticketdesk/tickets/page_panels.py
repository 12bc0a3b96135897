"""Panels other apps add to the ticket page (time spent, points), registered in their
AppConfig.ready, so the ticket page shows them without tickets importing those apps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User
    from ticketdesk.tickets.models import Ticket


@dataclass(frozen=True)
class TicketPanel:
    """`template` is included with `name` bound to `context(ticket, user)`; None hides it."""

    template: str
    name: str
    context: Callable[[Ticket, User], dict[str, Any] | None]
    order: int = 100


_PANELS: list[TicketPanel] = []


def register_ticket_panel(panel: TicketPanel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def ticket_panels(ticket: Ticket, user: User) -> list[tuple[str, dict[str, Any]]]:
    """(template, {name: context}) of each panel shown on this ticket to this user."""
    shown = []
    for panel in sorted(_PANELS, key=lambda item: item.order):
        context = panel.context(ticket, user)
        if context is not None:
            shown.append((panel.template, {panel.name: context}))
    return shown
