"""Forms of the accounts app (validation only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.validators import MaxLengthValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from ticketdesk.core.forms import ModelIdsField, PlainLabelsMixin

from .models import STAFF_ROLES, Team, User


class LoginForm(AuthenticationForm):
    """Django's sign-in form, with the address normalized before anything counts it.

    The address goes to authenticate() as `email` (the USERNAME_FIELD) so that django-axes,
    which reads that key from the failure signal, counts failures per account; lower-cased,
    so "Agent@…" and "agent@…" are one account to the lockout as they are to the login.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Django sets the field's max_length after construction, which adds no validator: a
        # longer address would reach django-axes' 255-character column (an error on PostgreSQL).
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()

    @sensitive_variables("password")
    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email is not None and password:
            self.user_cache = authenticate(self.request, email=email, password=password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class ResetRequestForm(PasswordResetForm):
    """Django's password-reset form; the mail goes out in the recipient's language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address")  # as on the sign-in page

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        # Django's send_mail logs a refused or failed delivery and carries on: the page must
        # not tell whether the address exists, so there is nothing to show instead.
        with translation.override(context["user"].language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name=html_email_template_name,
            )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "language"]


class UserForm(PlainLabelsMixin, forms.ModelForm):
    """An administrator's view of a user: role, Support-team flag, teams and language."""

    teams = ModelIdsField(
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
    members = ModelIdsField(
        queryset=User.objects.filter(role__in=STAFF_ROLES),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Members"),
    )

    class Meta:
        model = Team
        fields = ["name", "description", "members"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
