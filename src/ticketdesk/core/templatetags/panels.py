"""`{% include_panel template values %}`: include a template other apps registered, with
`values` (a dict built by their context function) added to the current context."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.context import Context
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def include_panel(context: Context, template_name: str, values: dict[str, Any]) -> SafeString:
    panel = context.template.engine.get_template(template_name)
    with context.push(**values):
        return panel.render(context)
