"""Display names of the entries a report groups by, looked up once per report (one query each)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import get_language

from ticketdesk.accounts.models import Team, User
from ticketdesk.tickets.models import Category, Priority


def _ids(keys: Iterable[object]) -> list[int]:
    return sorted({key for key in keys if isinstance(key, int)})


def team_names(keys: Iterable[object]) -> dict[int, str]:
    return dict(Team.objects.filter(pk__in=_ids(keys)).values_list("pk", "name"))


def agent_names(keys: Iterable[object]) -> dict[int, str]:
    users = User.objects.filter(pk__in=_ids(keys)).values_list("pk", "full_name", "email")
    return {pk: full_name or email for pk, full_name, email in users}


def localized(name_de: str, name_en: str) -> str:
    """A configuration entry's name in the current language (as LocalizedNameMixin.name)."""
    return name_en if (get_language() or "de")[:2] == "en" else name_de


def category_names(keys: Iterable[object]) -> dict[int, str]:
    rows = Category.objects.filter(pk__in=_ids(keys)).values_list("pk", "name_de", "name_en")
    return {pk: localized(de, en) for pk, de, en in rows}


def priority_order() -> list[tuple[int, str]]:
    """Every priority, in their configured order, with its name (one query)."""
    rows = Priority.objects.order_by("order", "pk").values_list("pk", "name_de", "name_en")
    return [(pk, localized(de, en)) for pk, de, en in rows]


def by_name(names: dict[int, str], keys: Iterable[object]) -> list[object]:
    """`keys` sorted by their names; the key None ("no team", "unassigned") last."""
    keys = list(keys)
    present = [key for key in keys if key is not None]
    ordered = sorted(present, key=lambda key: (names.get(key, "").casefold(), str(key)))
    return [*ordered, None] if None in keys else ordered
