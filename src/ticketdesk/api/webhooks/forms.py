"""The subscription form of Configuration → Webhooks."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import WebhookEvent, WebhookSubscription
from .urlcheck import resolve_target

NO_EVENTS = _("Choose at least one event.")


class SubscriptionForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"),
        max_length=2000,
        assume_scheme="https",
        help_text=_("Receives a signed POST request for every chosen event."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": NO_EVENTS},
        help_text=_("“Rating created” is sent once satisfaction ratings exist."),
    )

    class Meta:
        model = WebhookSubscription
        fields = ["url", "events", "is_active"]
        help_texts = {"is_active": _("Inactive subscriptions receive nothing but tests.")}

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        # DNS is asked here, and again before every delivery.
        resolve_target(url)
        return url
