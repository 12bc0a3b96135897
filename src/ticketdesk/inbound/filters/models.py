"""Mail filters: ordered rules whose conditions on a new message decide how its ticket opens."""

from __future__ import annotations

import re

import regex
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ticketdesk.core.models import TimeStampedModel

INVALID_REGEX = _("“%(value)s” is not a valid regular expression: %(error)s.")
REGEX_TOO_SLOW = _(
    "“%(value)s” takes too long on a long message (more than %(seconds)s seconds) and would "
    "hold up incoming mail. Avoid repetition inside repetition, such as (a+)+ or (\\w+\\s?)*."
)

# Bodies are matched on their first 100,000 characters: enough for any rule an
# administrator writes, and it bounds the work a regular expression can cause.
BODY_LIMIT = 100_000
REGEX_FLAGS = regex.IGNORECASE | regex.MULTILINE
# Texts on which patterns with catastrophic backtracking blow up: long runs of one kind of
# character that end in something the pattern does not expect. A pattern that exceeds the
# timeout on one of them would do so on such a mail, so it is refused on save.
REGEX_PROBES = (
    "a" * BODY_LIMIT + "!",
    "ab " * (BODY_LIMIT // 3) + "!",
    "1" * BODY_LIMIT + "x",
    " " * BODY_LIMIT + "!",
    "aaaa\n" * (BODY_LIMIT // 5) + "!",
    "a1 .-_@" * (BODY_LIMIT // 7),
)


class MatchMode(models.TextChoices):
    ALL = "all", _("all conditions match")
    ANY = "any", _("any condition matches")


class ConditionField(models.TextChoices):
    FROM = "from", _("From (address or name)")
    TO = "to", _("To or Cc (any recipient)")
    SUBJECT = "subject", _("Subject")
    BODY = "body", _("Body text")


class ConditionOperator(models.TextChoices):
    CONTAINS = "contains", _("contains")
    EQUALS = "equals", _("equals")
    REGEX = "regex", _("matches regular expression")


class MailFilterQuerySet(models.QuerySet["MailFilter"]):
    def active(self) -> MailFilterQuerySet:
        return self.filter(is_active=True)


class MailFilter(TimeStampedModel):
    """One rule. Active rules are tried in order; the first that matches applies."""

    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    match = models.CharField(
        _("match when"), max_length=3, choices=MatchMode.choices, default=MatchMode.ALL
    )
    set_priority = models.ForeignKey(
        "tickets.Priority",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set priority"),
    )
    set_category = models.ForeignKey(
        "tickets.Category",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set category"),
    )
    set_team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set team"),
    )
    set_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assign to"),
    )
    close = models.BooleanField(_("close at once"), default=False)
    skip_ticket = models.BooleanField(
        _("do not create a ticket"),
        default=False,
        help_text=_("The message waits in the incoming-mail inbox instead."),
    )

    objects = MailFilterQuerySet.as_manager()

    class Meta:
        verbose_name = _("mail filter")
        verbose_name_plural = _("mail filters")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def action_labels(self) -> list[str]:
        """The filter's actions as short phrases for lists."""
        if self.skip_ticket:
            return [str(_("do not create a ticket (inbox)"))]
        labels = [
            f"{field.verbose_name}: {value}"
            for field in (self._meta.get_field(n) for n in ACTION_FIELD_NAMES)
            if (value := getattr(self, field.name)) is not None
        ]
        if self.close:
            labels.append(str(_("close at once")))
        return labels


ACTION_FIELD_NAMES = ("set_priority", "set_category", "set_team", "set_assignee")


class MailFilterCondition(models.Model):
    mail_filter = models.ForeignKey(
        MailFilter,
        on_delete=models.CASCADE,
        related_name="conditions",
        verbose_name=_("mail filter"),
    )
    field = models.CharField(_("field"), max_length=10, choices=ConditionField.choices)
    operator = models.CharField(
        _("operator"),
        max_length=10,
        choices=ConditionOperator.choices,
        default=ConditionOperator.CONTAINS,
    )
    value = models.CharField(_("value"), max_length=500)

    class Meta:
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_field_display()} {self.get_operator_display()} “{self.value}”"

    def clean(self) -> None:
        if self.operator == ConditionOperator.REGEX:
            check_regex(self.value)


def compile_regex(value: str) -> regex.Pattern[str]:
    """The condition's pattern as mail is matched against it; raises regex.error.

    The `regex` module (VERSION0, Python's `re` syntax) is used for its match timeout.
    """
    return regex.compile(value, REGEX_FLAGS)


def check_regex(value: str) -> None:
    """Raise a ValidationError naming the problem when `value` does not compile or is too slow."""
    try:
        # Python's own parser decides what is valid (and words the error), as before the
        # switch to `regex`, so the set of patterns an administrator may save is unchanged.
        re.compile(value)
        pattern = compile_regex(value)
    except (re.error, regex.error) as exc:
        error = ValidationError(
            INVALID_REGEX, code="invalid_regex", params={"value": value, "error": exc}
        )
        raise ValidationError({"value": error}) from None
    seconds = settings.INBOUND_FILTER_REGEX_TIMEOUT_SECONDS
    try:
        for probe in REGEX_PROBES:
            pattern.search(probe, timeout=seconds)
    except TimeoutError:
        error = ValidationError(
            REGEX_TOO_SLOW, code="regex_too_slow", params={"value": value, "seconds": seconds}
        )
        raise ValidationError({"value": error}) from None
