"""Forms of contracts: the points settings, a contract, a manual credit or debit."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ticketdesk.core.forms import BoundedDateField, PlainLabelsMixin
from ticketdesk.customers.models import Customer

from . import errors
from .models import MAX_MINUTES_PER_POINT, MAX_POINTS, REASON_MAX_LENGTH, MovementKind, Rounding

SEPARATORS = re.compile(r"[\s,;]+")
MAX_SHARED = 50
DATE_WIDGET = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class PointsSettingsForm(PlainLabelsMixin, forms.Form):
    minutes_per_point = forms.IntegerField(
        label=_("Minutes per point"),
        min_value=1,
        max_value=MAX_MINUTES_PER_POINT,
        error_messages={
            "min_value": errors.MINUTES_PER_POINT_RANGE % {"limit": MAX_MINUTES_PER_POINT},
            "max_value": errors.MINUTES_PER_POINT_RANGE % {"limit": MAX_MINUTES_PER_POINT},
        },
    )
    price_per_point = forms.DecimalField(
        label=_("Price per point"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        error_messages={"min_value": errors.PRICE_NEGATIVE},
    )
    rounding = forms.ChoiceField(label=_("Rounding (always up)"), choices=Rounding.choices)
    refuse_when_exhausted = forms.BooleanField(
        label=_("Refuse billable time when the contract is exhausted"),
        required=False,
        help_text=_("Otherwise the time is logged and the balance turns negative."),
    )


class ContractForm(PlainLabelsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("e.g. Support 2026"))
    total_points = forms.IntegerField(
        label=_("Total points"),
        min_value=0,
        max_value=MAX_POINTS,
        error_messages={"min_value": errors.POINTS_NEGATIVE},
    )
    alert_threshold = forms.IntegerField(
        label=_("Alert threshold (points)"),
        min_value=0,
        max_value=MAX_POINTS,
        initial=0,
        error_messages={"min_value": errors.THRESHOLD_NEGATIVE},
    )
    signed_on = BoundedDateField(label=_("Signed on"), required=False, **DATE_WIDGET)
    valid_from = BoundedDateField(label=_("Valid from"), **DATE_WIDGET)
    valid_to = BoundedDateField(
        label=_("Valid to"), required=False, help_text=_("Empty: no end."), **DATE_WIDGET
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    # Customer numbers, not a list of every customer: customer bases are large.
    shared_with = forms.CharField(
        label=_("Shared with (customer numbers)"),
        required=False,
        max_length=2000,
        help_text=_("Group companies whose time consumes this contract too, e.g. K00012, K00013."),
    )

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer

    def clean_shared_with(self) -> list[Customer]:
        numbers = list(
            dict.fromkeys(n for n in SEPARATORS.split(self.cleaned_data["shared_with"]) if n)
        )
        if len(numbers) > MAX_SHARED:
            raise ValidationError(errors.TOO_MANY_SHARED, params={"limit": MAX_SHARED})
        found = {c.number: c for c in Customer.objects.filter(number__in=numbers)}
        unknown = [n for n in numbers if n not in found]
        if unknown:
            raise ValidationError(errors.UNKNOWN_CUSTOMERS, params={"numbers": ", ".join(unknown)})
        if self.customer.number in found:
            raise ValidationError(errors.SHARED_WITH_OWNER)
        return [found[n] for n in numbers]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        valid_from, valid_to = data.get("valid_from"), data.get("valid_to")
        if valid_from and valid_to and valid_to < valid_from:
            self.add_error("valid_to", ValidationError(errors.VALID_TO_BEFORE_FROM))
        return data


class MovementForm(PlainLabelsMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (MovementKind.CREDIT.value, _("Credit (top-up)")),
            (MovementKind.DEBIT.value, _("Debit")),
        ],
    )
    points = forms.IntegerField(
        label=_("Points"),
        min_value=1,
        max_value=MAX_POINTS,
        error_messages={"min_value": errors.POINTS_NOT_POSITIVE},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        error_messages={"required": errors.REASON_REQUIRED},
    )
