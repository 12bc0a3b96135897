"""Panels other apps add to a page (time spent and points on the ticket page, contracts on
the customer page), registered in their AppConfig.ready, so the page shows them without its
app importing theirs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User


@dataclass(frozen=True)
class PagePanel:
    """`template` is included with `name` bound to `context(obj, user)`; None hides it."""

    template: str
    name: str
    context: Callable[[Any, User], dict[str, Any] | None]
    order: int = 100


class PanelRegistry:
    """The panels of one kind of page."""

    def __init__(self) -> None:
        self._panels: list[PagePanel] = []

    def register(self, panel: PagePanel) -> None:
        if panel not in self._panels:
            self._panels.append(panel)

    def shown(self, obj: Any, user: User) -> list[tuple[str, dict[str, Any]]]:
        """(template, {name: context}) of each panel shown for `obj` to this user, in order."""
        shown = []
        for panel in sorted(self._panels, key=lambda item: item.order):
            context = panel.context(obj, user)
            if context is not None:
                shown.append((panel.template, {panel.name: context}))
        return shown
