"""Evaluating mail filters against a parsed message (first matching active filter wins)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ticketdesk.inbound.parsing import ParsedMessage

from .models import ConditionField, ConditionOperator, MailFilter, MailFilterCondition, MatchMode

# Bodies are matched on their first 100,000 characters: enough for any rule an
# administrator writes, and it bounds the work a regular expression can cause.
BODY_LIMIT = 100_000


def field_values(parsed: ParsedMessage, field: str) -> list[str]:
    """The strings of a message that a condition on `field` is tested against."""
    if field == ConditionField.FROM:
        values = [parsed.from_address, parsed.from_name]
        if parsed.from_name:
            values.append(f"{parsed.from_name} <{parsed.from_address}>")
        return [v for v in values if v]
    if field == ConditionField.TO:
        return [*parsed.to, *parsed.cc]
    if field == ConditionField.SUBJECT:
        return [parsed.subject]
    return [(parsed.text or parsed.new_text)[:BODY_LIMIT]]


def condition_matches(condition: MailFilterCondition, parsed: ParsedMessage) -> bool:
    """Case-insensitive test of one condition; `equals` ignores surrounding spaces."""
    values = field_values(parsed, condition.field)
    wanted = condition.value
    if condition.operator == ConditionOperator.EQUALS:
        wanted = wanted.strip().casefold()
        return any(value.strip().casefold() == wanted for value in values)
    if condition.operator == ConditionOperator.REGEX:
        try:
            pattern = re.compile(wanted, re.IGNORECASE | re.MULTILINE)
        except re.error:
            return False  # validated on save; a pattern broken since never matches
        return any(pattern.search(value) for value in values)
    wanted = wanted.casefold()
    return any(wanted in value.casefold() for value in values)


def filter_matches(mail_filter: MailFilter, parsed: ParsedMessage) -> bool:
    conditions = list(mail_filter.conditions.all())
    if not conditions:
        return False
    results = (condition_matches(condition, parsed) for condition in conditions)
    return any(results) if mail_filter.match == MatchMode.ANY else all(results)


def first_matching_filter(
    parsed: ParsedMessage, filters: Iterable[MailFilter] | None = None
) -> MailFilter | None:
    """The first active filter, in order, whose conditions match; None when none does."""
    if filters is None:
        filters = (
            MailFilter.objects.active()
            .select_related("set_priority", "set_category", "set_team", "set_assignee")
            .prefetch_related("conditions")
        )
    return next((f for f in filters if filter_matches(f, parsed)), None)
