"""The profile's form for a new API token."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticketdesk.core.forms import BoundedDateField

EXPIRY_NOT_IN_THE_FUTURE = _("Choose a day after today, or leave it empty for no expiry.")


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “CRM sync”."),
    )
    expires_on = BoundedDateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the token works until you revoke it."),
    )

    def clean_expires_on(self) -> datetime.date | None:
        day = self.cleaned_data["expires_on"]
        if day is not None and day <= timezone.localdate():
            raise forms.ValidationError(EXPIRY_NOT_IN_THE_FUTURE)
        return day

    def expires_at(self) -> datetime.datetime | None:
        """The end of the chosen day in the instance's time zone."""
        day = self.cleaned_data["expires_on"]
        if day is None:
            return None
        start = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
        return timezone.make_aware(start)
