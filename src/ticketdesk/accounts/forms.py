"""Forms of the accounts app (validation only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ticketdesk.core.forms import PlainLabelsMixin

from .models import STAFF_ROLES, Team, User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "language"]


class UserForm(PlainLabelsMixin, forms.ModelForm):
    """An administrator's view of a user: role, Support-team flag, teams and language."""

    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Teams"),
    )

    class Meta:
        model = User
        fields = ["email", "full_name", "role", "is_support_team", "language"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["teams"].initial = list(self.instance.teams.all())

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        taken = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("A user with this e-mail address already exists."))
        return email


class TeamForm(PlainLabelsMixin, forms.ModelForm):
    members = forms.ModelMultipleChoiceField(
        queryset=User.objects.filter(role__in=STAFF_ROLES),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Members"),
    )

    class Meta:
        model = Team
        fields = ["name", "description", "members"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
