"""The reports' filter form (GET): date range with presets, period, team/category/customer/agent.

The same form reads the page's URL, the JSON and CSV endpoints' parameters and the
`ticketdesk report` command's options, so every door refuses the same bad input with
the same message.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import Q
from django.db.models.functions import Lower
from django.http import QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ticketdesk.accounts.models import Role, User
from ticketdesk.core.forms import BoundedDateField, PlainLabelsMixin, parse_id, without_nul
from ticketdesk.customers.models import Customer
from ticketdesk.tickets.models import Category

from .permissions import EVERYTHING, Scope
from .query import MONTH, WEEK, ReportQuery

THIS_WEEK, LAST_MONTH, THIS_QUARTER, LAST_12_MONTHS, CUSTOM = (
    "this_week",
    "last_month",
    "this_quarter",
    "last_12_months",
    "custom",
)
DEFAULT_RANGE = LAST_12_MONTHS
RANGES = [
    (THIS_WEEK, _("This week")),
    (LAST_MONTH, _("Last month")),
    (THIS_QUARTER, _("This quarter")),
    (LAST_12_MONTHS, _("Last 12 months")),
    (CUSTOM, _("Custom")),
]
PERIODS = [("", _("Automatic")), (WEEK, _("Week")), (MONTH, _("Month"))]
# Ranges up to about a quarter are shown by week, longer ones by month.
WEEKLY_UP_TO_DAYS = 92
MAX_YEARS = 5
MAX_VALUES = 50

DATES_MISSING = _("Enter both dates of a custom range.")
RANGE_REVERSED = _("“From” must not be after “To”.")
RANGE_TOO_LONG = _("A report covers at most %(years)d years.")
UNKNOWN_TEAM = _("Unknown team: %(value)s.")
UNKNOWN_CATEGORY = _("Unknown category: %(value)s.")
UNKNOWN_AGENT = _("Unknown agent: %(value)s.")
UNKNOWN_CUSTOMER = _("No customer has the number or id %(value)s.")
TOO_MANY_VALUES = _("Choose at most %(limit)d values.")


class ManySelect(forms.Select):
    """A drop-down that reads every value of its parameter (a URL may repeat it)."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        if isinstance(data, MultiValueDict):
            return data.getlist(name)
        value = data.get(name)
        if isinstance(value, list | tuple):
            return [str(v) for v in value]
        return [] if value in (None, "") else [str(value)]


class ManyText(forms.TextInput):
    """A text box that reads every value of its parameter and shows the first."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        return ManySelect().value_from_datadict(data, files, name)

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, list | tuple):
            value = value[0] if value else ""
        return super().format_value(value)


class EntriesField(forms.Field):
    """Entries of a small list by id or by name (case-insensitive): a tuple of ids.

    Every value must name an entry of `entries`; an unknown one is refused by name.
    """

    widget = ManySelect

    def __init__(
        self,
        *,
        entries: list[tuple[int, str]],
        aliases: dict[str, int],
        unknown: Any,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.ids = {entry for entry, _label in entries}
        self.aliases = aliases
        self.unknown = unknown
        self.widget.choices = [("", _("All")), *((str(pk), label) for pk, label in entries)]

    def to_python(self, value: Any) -> tuple[int, ...]:
        values = [without_nul(str(v)).strip() for v in _as_list(value)]
        values = [v for v in values if v]
        if len(values) > MAX_VALUES:
            raise forms.ValidationError(TOO_MANY_VALUES, params={"limit": MAX_VALUES})
        found: list[int] = []
        for text in values:
            pk = parse_id(text)
            if pk not in self.ids:
                pk = self.aliases.get(text.casefold())
            if pk is None:
                raise forms.ValidationError(self.unknown, params={"value": _quoted(text)})
            if pk not in found:
                found.append(pk)
        return tuple(found)


class CustomersField(forms.Field):
    """Customers by number (also "Name (number)", as the type-ahead fills it) or by id."""

    widget = ManyText

    def to_python(self, value: Any) -> tuple[int, ...]:
        values = [without_nul(str(v)).strip()[:200] for v in _as_list(value)]
        values = [v for v in values if v]
        if len(values) > MAX_VALUES:
            raise forms.ValidationError(TOO_MANY_VALUES, params={"limit": MAX_VALUES})
        if not values:
            return ()
        numbers = {_number(text).casefold(): text for text in values}
        ids = {pk for text in values if (pk := parse_id(text)) is not None}
        rows = (
            Customer.objects.annotate(number_lower=Lower("number"))
            .filter(Q(number_lower__in=list(numbers)) | Q(pk__in=ids))
            .values_list("pk", "number_lower")
        )
        by_number = {number: pk for pk, number in rows}
        known_ids = set(by_number.values())
        found: list[int] = []
        for text in values:
            pk = by_number.get(_number(text).casefold())
            if pk is None and (candidate := parse_id(text)) in known_ids:
                pk = candidate
            if pk is None:
                raise forms.ValidationError(UNKNOWN_CUSTOMER, params={"value": _quoted(text)})
            if pk not in found:
                found.append(pk)
        return tuple(found)


def _as_list(value: Any) -> list[Any]:
    if value in (None, ""):
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _number(text: str) -> str:
    """The number in "Name (number)"; the text itself otherwise."""
    if text.endswith(")") and "(" in text:
        return text.rsplit("(", 1)[1].rstrip(")").strip()
    return text


def _quoted(text: str) -> str:
    return f"“{text[:60]}”"


class ReportFilterForm(PlainLabelsMixin, forms.Form):
    range = forms.ChoiceField(label=_("Date range"), choices=RANGES, required=False)
    period = forms.ChoiceField(label=_("Group by"), choices=PERIODS, required=False)
    customer = CustomersField(label=_("Customer"), required=False)

    def __init__(
        self,
        data: QueryDict | dict[str, Any] | None,
        *,
        scope: Scope = EVERYTHING,
        today: datetime.date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, auto_id="report-%s", **kwargs)
        self.scope = scope
        self.today = today or timezone.localdate()
        date_input = {"type": "date"}
        self.fields["from"] = BoundedDateField(
            label=pgettext_lazy("first day of a date range", "From"),
            required=False,
            widget=forms.DateInput(date_input, "%Y-%m-%d"),
        )
        self.fields["to"] = BoundedDateField(
            label=pgettext_lazy("last day of a date range", "To"),
            required=False,
            widget=forms.DateInput(date_input, "%Y-%m-%d"),
        )
        teams = scope.teams()
        self.fields["team"] = EntriesField(
            label=_("Team"),
            entries=[(t.pk, t.name) for t in teams],
            aliases={t.name.casefold(): t.pk for t in teams},
            unknown=UNKNOWN_TEAM,
        )
        categories = list(Category.objects.order_by("order", "pk"))
        self.fields["category"] = EntriesField(
            label=_("Category"),
            entries=[(c.pk, c.name) for c in categories],
            aliases=_aliases(categories, lambda c: [c.name_de, c.name_en]),
            unknown=UNKNOWN_CATEGORY,
        )
        agents = list(
            User.objects.filter(role__in=[Role.ADMINISTRATOR, Role.AGENT]).order_by(
                "full_name", "email"
            )
        )
        self.fields["agent"] = EntriesField(
            label=_("Agent"),
            entries=[(u.pk, str(u)) for u in agents],
            aliases=_aliases(agents, lambda u: [u.email]),
            unknown=UNKNOWN_AGENT,
        )
        self.order_fields(["range", "from", "to", "period", "team", "category", "customer"])
        if self.is_bound:
            self._fill_preset_dates()

    def _fill_preset_dates(self) -> None:
        """Dates without a preset are a custom range; a preset's dates fill the date boxes.

        A link may carry only `from` and `to` (the customer report's); the date boxes show
        a preset's days, so switching to "Custom" starts from them.
        """
        data = self.data.copy() if hasattr(self.data, "copy") else dict(self.data)
        chosen = data.get("range") or (CUSTOM if data.get("from") or data.get("to") else "")
        data["range"] = chosen or DEFAULT_RANGE
        if data["range"] in dict(RANGES) and data["range"] != CUSTOM:
            first, last = preset_dates(data["range"], self.today)
            data["from"], data["to"] = first.isoformat(), last.isoformat()
        self.data = data

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        first, last = cleaned.get("from"), cleaned.get("to")
        if "from" in self.errors or "to" in self.errors:
            return cleaned
        if first is None or last is None:
            self.add_error("from" if first is None else "to", DATES_MISSING)
        elif first > last:
            self.add_error("to", RANGE_REVERSED)
        elif last >= _add_years(first, MAX_YEARS):
            self.add_error("to", forms.ValidationError(RANGE_TOO_LONG, params={"years": MAX_YEARS}))
        return cleaned

    def to_query(self) -> ReportQuery:
        """The valid form's query (call `is_valid()` first)."""
        data = self.cleaned_data
        first, last = data["from"], data["to"]
        period = data.get("period") or (WEEK if (last - first).days < WEEKLY_UP_TO_DAYS else MONTH)
        return ReportQuery(
            first=first,
            last=last,
            period=period,
            teams=data.get("team") or (),
            categories=data.get("category") or (),
            customers=data.get("customer") or (),
            agents=data.get("agent") or (),
            scope=self.scope,
        )

    @property
    def customer_text(self) -> str:
        """What the customer box shows: the first customer value as typed."""
        values = _as_list(self["customer"].value())
        return str(values[0]) if values else ""

    def error_messages(self) -> dict[str, list[str]]:
        """The errors per parameter, as the JSON endpoint and the command report them."""
        return {name: [str(message) for message in errors] for name, errors in self.errors.items()}


def preset_dates(preset: str, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """First and last day of a preset range; the current week, quarter or year end today."""
    if preset == THIS_WEEK:
        return today - datetime.timedelta(days=today.weekday()), today
    if preset == LAST_MONTH:
        last = today.replace(day=1) - datetime.timedelta(days=1)
        return last.replace(day=1), last
    if preset == THIS_QUARTER:
        return today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1), today
    # LAST_12_MONTHS: this month and the eleven before it.
    month = today.month - 11
    year = today.year + (month - 1) // 12
    return datetime.date(year, (month - 1) % 12 + 1, 1), today


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _aliases(entries: Iterable[Any], names: Any) -> dict[str, int]:
    aliases: dict[str, int] = {}
    for entry in entries:
        for name in names(entry):
            if name:
                aliases.setdefault(name.casefold(), entry.pk)
    return aliases
