"""Fixed-list placeholder substitution for customer-facing texts.

Agent and administrator text is data, never a template: only the names listed
are replaced, by plain string replacement, so `{{ ... }}` or `{% ... %}` in a
text stays literal and nothing is evaluated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.utils.html import escape


def substitute(
    text: str, values: Mapping[str, str], *, escape_values: Callable[[str], str] | None = None
) -> str:
    """Replace each `{name}` of `values` in `text`; unknown braces stay as written."""
    for name, value in values.items():
        replacement = escape_values(value) if escape_values else value
        text = text.replace("{" + name + "}", replacement)
    return text


def substitute_html(html: str, values: Mapping[str, str]) -> str:
    """Like `substitute`, escaping the values so customer data cannot inject markup."""
    return substitute(html, values, escape_values=lambda v: str(escape(v)))
