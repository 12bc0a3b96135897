"""Forms of the portal (validation only) and of its configuration page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from ticketdesk.accounts.forms import LoginForm
from ticketdesk.core.forms import PlainLabelsMixin, SearchField, without_nul
from ticketdesk.customers.models import Customer
from ticketdesk.tickets.forms import AttachmentsField, attachments_help_text, validate_text_size
from ticketdesk.tickets.models import Category

from .models import PortalSettings
from .permissions import portal_contact


class PortalLoginForm(LoginForm):
    """The agents' sign-in form (same normalization, same lockout), for portal logins only.

    A staff login or a contact without portal access gets the same answer as a wrong
    password: the form tells nobody which addresses exist.
    """

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if portal_contact(user) is None:
            raise self.get_invalid_login_error()


class PortalSetPasswordForm(PlainLabelsMixin, SetPasswordForm):
    pass


class ResetRequestForm(PlainLabelsMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=[("de", "Deutsch"), ("en", "English")])


class CustomerChoiceForm(forms.Form):
    customer = forms.ModelChoiceField(queryset=Customer.objects.none())

    def __init__(self, *args: Any, customers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers


class TicketSearchForm(forms.Form):
    q = SearchField(label=_("Search"))


class PortalReplyForm(PlainLabelsMixin, forms.Form):
    text = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        validators=[validate_text_size],
    )
    attachments = AttachmentsField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachments_help_text()

    def clean_text(self) -> str:
        return without_nul(self.cleaned_data["text"])


class PortalTicketForm(PlainLabelsMixin, forms.Form):
    """A new ticket: only the contact's customers and the categories visible in the portal."""

    customer = forms.ModelChoiceField(queryset=Customer.objects.none(), label=_("Customer"))
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(), label=_("Category"), required=False
    )
    subject = forms.CharField(label=_("Subject"), max_length=250)
    text = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 8}),
        validators=[validate_text_size],
    )
    attachments = AttachmentsField()

    def __init__(self, *args: Any, customers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers
        self.fields["category"].queryset = Category.objects.active().filter(visible_in_portal=True)
        self.fields["attachments"].help_text = attachments_help_text()

    def clean_subject(self) -> str:
        return without_nul(self.cleaned_data["subject"]).strip()

    def clean_text(self) -> str:
        return without_nul(self.cleaned_data["text"])


class PortalSettingsForm(PlainLabelsMixin, forms.ModelForm):
    class Meta:
        model = PortalSettings
        fields = ["is_enabled", "instance_name", "welcome_de", "welcome_en"]
        widgets = {
            "welcome_de": forms.Textarea(attrs={"rows": 4}),
            "welcome_en": forms.Textarea(attrs={"rows": 4}),
        }
