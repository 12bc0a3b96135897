"""Forms of time keeping: a time segment typed in or corrected, and the timer's heartbeat."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticketdesk.core.forms import BoundedDateField, PlainLabelsMixin

from . import errors
from .models import COMMENT_MAX_LENGTH
from .services import check_segment_values

_HOURS_MINUTES = re.compile(r"^(\d{1,3}):([0-5]\d)$")
_MINUTES = re.compile(r"^-?\d+$")


class MinutesField(forms.CharField):
    """A duration as minutes ("90") or hours and minutes ("1:30"); cleans to whole minutes."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "numeric", "size": 6}

    def clean(self, value: Any) -> int | None:
        text = super().clean(value).strip()
        if not text:
            return None
        if match := _HOURS_MINUTES.match(text):
            return int(match[1]) * 60 + int(match[2])
        if _MINUTES.match(text):
            return int(text)
        raise ValidationError(errors.MINUTES_INVALID, code="invalid")


class SegmentForm(PlainLabelsMixin, forms.Form):
    """Date, duration, comment and billable flag of a segment; `version` when correcting."""

    date = BoundedDateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    minutes = MinutesField(label=_("Minutes"), help_text=_("e.g. 90 or 1:30; at most 24 hours"))
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=COMMENT_MAX_LENGTH, strip=True
    )
    billable = forms.BooleanField(label=_("Billable"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if all(data.get(name) is not None for name in ("date", "minutes", "comment")):
            try:
                check_segment_values(
                    date=data["date"], minutes=data["minutes"], comment=data["comment"]
                )
            except ValidationError as error:
                self.add_error(None, error)
        return data


class HeartbeatForm(forms.Form):
    """What the timer script posts: a heartbeat ("beat", the default) or the final "stop"."""

    state = forms.ChoiceField(choices=[("beat", "beat"), ("stop", "stop")], required=False)

    def clean_state(self) -> str:
        return self.cleaned_data["state"] or "beat"
