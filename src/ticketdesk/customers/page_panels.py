"""Panels other apps add to the customer page (support contracts), registered in their
AppConfig.ready, so the customer page shows them without customers importing those apps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User
    from ticketdesk.customers.models import Customer


@dataclass(frozen=True)
class CustomerPanel:
    """`template` is included with `name` bound to `context(customer, user)`; None hides it."""

    template: str
    name: str
    context: Callable[[Customer, User], dict[str, Any] | None]
    order: int = 100


_PANELS: list[CustomerPanel] = []


def register_customer_panel(panel: CustomerPanel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def customer_panels(customer: Customer, user: User) -> list[tuple[str, dict[str, Any]]]:
    """(template, {name: context}) of each panel shown on this customer's page to this user."""
    shown = []
    for panel in sorted(_PANELS, key=lambda item: item.order):
        context = panel.context(customer, user)
        if context is not None:
            shown.append((panel.template, {panel.name: context}))
    return shown
