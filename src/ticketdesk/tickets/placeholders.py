"""Fixed-list placeholder substitution for texts written by agents and administrators.

Such text is data, never a template: only the names given are replaced, in
one pass (a value that itself contains `{agent_name}` stays literal), so
`{{ ... }}` or `{% ... %}` in a text stays as written and nothing is evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from django.utils.html import escape


def substitute(
    text: str, values: Mapping[str, str], *, escape_values: Callable[[str], str] | None = None
) -> str:
    """Replace each `{name}` of `values` in `text`; unknown braces stay as written."""
    if not values:
        return text
    pattern = re.compile(r"\{(" + "|".join(re.escape(name) for name in values) + r")\}")

    def replacement(match: re.Match[str]) -> str:
        value = values[match.group(1)]
        return escape_values(value) if escape_values else value

    return pattern.sub(replacement, text)


def substitute_html(html: str, values: Mapping[str, str]) -> str:
    """Like `substitute`, escaping the values so customer data cannot inject markup."""
    return substitute(html, values, escape_values=lambda v: str(escape(v)))
