"""Forms of Configuration → Support → Business hours: week, public holidays, closed days."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import regions
from .calendar import BusinessCalendar, Interval, format_intervals
from .models import Weekday

NOT_AN_INTERVAL = _("“%(value)s” is not an opening interval; write it like 08:00-12:00.")
# 8-12, 08:00-12:00, 8.30–17 (German notation and dashes typed by word processors).
_INTERVAL = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?\s*[-–—]\s*(\d{1,2})(?:[:.](\d{2}))?")
_SEPARATOR = re.compile(r"[,;\n]")


def _minute(hours: str, minutes: str | None) -> int | None:
    if minutes is not None and int(minutes) > 59:
        return None
    return int(hours) * 60 + int(minutes or 0)


def parse_intervals(text: str) -> list[Interval]:
    """ "08:00-12:00, 13:00-17:00" → [(480, 720), (780, 1020)]; "" → [] (closed).

    Raises ValidationError for a part that is not written as an interval; whether the
    times make sense (order, overlaps, 24:00 at most) is the service's check.
    """
    intervals = []
    for part in (piece.strip() for piece in _SEPARATOR.split(text)):
        if not part:
            continue
        match = _INTERVAL.fullmatch(part)
        start = _minute(match[1], match[2]) if match else None
        end = _minute(match[3], match[4]) if match else None
        if start is None or end is None:
            raise ValidationError(NOT_AN_INTERVAL, code="syntax", params={"value": part[:40]})
        intervals.append((start, end))
    return intervals


class WeeklyScheduleForm(forms.Form):
    """One text field per weekday: its opening intervals, empty when closed."""

    def __init__(self, *args: Any, calendar: BusinessCalendar | None = None, **kwargs: Any):
        if calendar is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                f"day_{day}": format_intervals(intervals)
                for day, intervals in enumerate(calendar.weekly)
            }
        super().__init__(*args, **kwargs)
        for day in Weekday:
            self.fields[f"day_{day.value}"] = forms.CharField(
                label=day.label,
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs={"placeholder": _("closed")}),
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for day in Weekday:
            name = f"day_{day.value}"
            if name in cleaned:
                try:
                    cleaned[name] = parse_intervals(cleaned[name])
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def weekly(self) -> dict[int, list[Interval]]:
        return {day.value: self.cleaned_data[f"day_{day.value}"] for day in Weekday}


class PublicHolidaysForm(forms.Form):
    country = forms.ChoiceField(
        label=_("Public holidays of"),
        required=False,
        help_text=_("The public holidays of this country count as closed."),
    )
    subdivision = forms.CharField(
        label=_("Region"),
        required=False,
        max_length=40,
        help_text=_("A state or region with holidays of its own, by code or name; may be empty."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        countries = [(code, f"{name} ({code})") for code, name in regions.countries().items()]
        self.fields["country"].choices = [("", _("none (no public holidays)")), *countries]


class ClosedDayForm(forms.Form):
    day = forms.DateField(
        label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Company outing")}),
    )


class RemoveClosedDayForm(forms.Form):
    day = forms.DateField(widget=forms.HiddenInput)
