"""Template filters of the reports: a table cell shown by its column's kind."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import number_format

from ticketdesk.timekeeping.templatetags.timekeeping import duration

from ..tables import MINUTES, PERCENT

register = template.Library()


@register.filter
def report_cell(value: float | int | None, kind: str) -> str:
    """A count as a number, minutes as "1:30 h", a share as "93,5 %"; nothing as "–"."""
    if value is None:
        return "–"
    if kind == MINUTES:
        return duration(round(value))
    if kind == PERCENT:
        return f"{floatformat(value, 1)} %"
    return number_format(value, force_grouping=True)
