"""Forms of the outbox page (validation only)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ticketdesk.outbox.models import MailStatus


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *MailStatus.choices]
    )
    reference = forms.CharField(
        label=_("Reference (ticket)"), required=False, max_length=100, strip=True
    )
