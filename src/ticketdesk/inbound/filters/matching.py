"""Evaluating mail filters against a parsed message (first matching active filter wins)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

import regex
from django.conf import settings

from ticketdesk.core.config_cache import cached
from ticketdesk.inbound.parsing import ParsedMessage

from .models import (
    BODY_LIMIT,
    ConditionField,
    ConditionOperator,
    MailFilter,
    MailFilterCondition,
    MatchMode,
    compile_regex,
)

logger = logging.getLogger(__name__)


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
        return _regex_matches(condition, values)
    wanted = wanted.casefold()
    return any(wanted in value.casefold() for value in values)


def _regex_matches(condition: MailFilterCondition, values: list[str]) -> bool:
    """True if the pattern matches one of `values` within the timeout (for all of them).

    A pattern that runs out of time counts as no match, so a slow pattern saved before
    patterns were probed on save delays a message by the timeout at most.
    """
    try:
        pattern = compile_regex(condition.value)
    except regex.error:
        return False  # validated on save; a pattern broken since never matches
    deadline = time.monotonic() + settings.INBOUND_FILTER_REGEX_TIMEOUT_SECONDS
    try:
        return any(
            pattern.search(value, timeout=max(deadline - time.monotonic(), 0.001))
            for value in values
        )
    except TimeoutError:
        logger.warning(
            "mail filter %s: condition %s (“%s”) timed out, counted as no match",
            condition.mail_filter_id,
            condition.pk,
            condition.value,
        )
        return False


def filter_matches(mail_filter: MailFilter, parsed: ParsedMessage) -> bool:
    conditions = list(mail_filter.conditions.all())
    if not conditions:
        return False
    results = (condition_matches(condition, parsed) for condition in conditions)
    return any(results) if mail_filter.match == MatchMode.ANY else all(results)


def _active_filters() -> list[MailFilter]:
    return list(MailFilter.objects.active().prefetch_related("conditions"))


def first_matching_filter(
    parsed: ParsedMessage, filters: Iterable[MailFilter] | None = None
) -> MailFilter | None:
    """The first active filter, in order, whose conditions match; None when none does.

    Without `filters`, the active filters come from the configuration cache, and a
    match is read again with its actions' entries, fresh and the caller's own.
    """
    if filters is not None:
        return next((f for f in filters if filter_matches(f, parsed)), None)
    found = next((f for f in cached(CACHE_KEY, _active_filters) if filter_matches(f, parsed)), None)
    if found is None:
        return None
    related = ("set_priority", "set_category", "set_team", "set_assignee")
    return MailFilter.objects.select_related(*related).filter(pk=found.pk).first()


CACHE_KEY = "inbound.mail_filters"
