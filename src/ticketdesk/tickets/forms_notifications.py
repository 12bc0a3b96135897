"""Form for editing a notification text (validation only)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class NotificationTextForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=250)
    text = forms.CharField(label=_("Plain text"), widget=forms.Textarea(attrs={"rows": 14}))
    html = forms.CharField(
        label=_("HTML"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Leave empty to derive the HTML from the plain text."),
    )
