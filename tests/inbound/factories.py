"""Factories for mail filters; filters are saved through the service, as the UI does."""

from __future__ import annotations

from typing import Any

from ticketdesk.inbound.filters.models import MailFilter
from ticketdesk.inbound.filters.services import ConditionInput, FilterInput, save_mail_filter


def make_filter(
    *conditions: tuple[str, str, str], name: str = "Rule", match: str = "all", **actions: Any
) -> MailFilter:
    """make_filter(("subject", "contains", "invoice"), set_priority=high, close=True)."""
    return save_mail_filter(
        None,
        data=FilterInput(name=name, match=match, **actions),
        conditions=[ConditionInput(field=f, operator=o, value=v) for f, o, v in conditions],
    )
