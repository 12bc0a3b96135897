"""The panels of the start page; apps register theirs in their AppConfig.ready.

The start page belongs to no single app: tickets count the agent's queues, time
keeping shows the agent's time today, later apps add theirs. Each panel is a
template and a function giving its context (None hides the panel for this user).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class DashboardPanel:
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]
    order: int = 100


_PANELS: list[DashboardPanel] = []


def register_panel(panel: DashboardPanel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def panels_for(request: HttpRequest) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of every panel shown to this request's user, in order."""
    shown = []
    for panel in sorted(_PANELS, key=lambda item: item.order):
        context = panel.context(request)
        if context is not None:
            shown.append((panel.template, context))
    return shown
