"""Template filters of time keeping."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def duration(minutes: int | None) -> str:
    """Minutes as people read them: "45 min", "1:30 h" ("h" and "min" read the same in German)."""
    minutes = int(minutes or 0)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours}:{rest:02d} h"
