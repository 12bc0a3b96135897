"""Forms of the customers app (validation only; services write)."""

from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ticketdesk.core.forms import ModelIdsField, PageField, PlainLabelsMixin, SearchField

from .models import (
    CONTACT_FIELDS,
    CUSTOMER_FIELDS,
    Contact,
    Customer,
    CustomerKind,
    SupportNote,
)

IMPORT_MAX_BYTES = 2 * 1024 * 1024

FILE_TOO_LARGE = _("The file is larger than %(size)s MB. Split it into smaller files.")
CONTACT_NEEDS_NAME = _("A contact needs a name when an e-mail or phone is given.")
UNKNOWN_TYPE = _("“%(value)s” is not a customer type. Use “company” or “person”.")
UNKNOWN_LANGUAGE = _("“%(value)s” is not a language. Use “de” or “en”.")
UNKNOWN_CUSTOMER_NUMBER = _("No customer has the number “%(number)s”.")


class CustomerListForm(forms.Form):
    """The customer list's URL parameters; an unusable one is ignored."""

    q = SearchField()
    sort = forms.CharField(required=False, max_length=20)
    page = PageField()

    def value(self, name: str, default: Any = None) -> Any:
        if not self.is_valid() and name in self.errors:
            return default
        return self.cleaned_data.get(name) or default


class CustomerForm(PlainLabelsMixin, forms.ModelForm):
    class Meta:
        model = Customer
        fields = CUSTOMER_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}


class ContactForm(PlainLabelsMixin, forms.ModelForm):
    """A contact and the customers it belongs to.

    Only the customers already linked are rendered (as checkboxes to keep or
    drop); another one is added by its number, found with the type-ahead
    search, so the form never loads the whole customer list.
    """

    add_customer = forms.CharField(
        label=_("Add to customer (number)"),
        required=False,
        max_length=30,
        help_text=_("Type a name or number to search."),
    )

    class Meta:
        model = Contact
        fields = [*CONTACT_FIELDS, "customers"]
        widgets = {"customers": forms.CheckboxSelectMultiple}
        field_classes = {"customers": ModelIdsField}

    def __init__(self, *args: Any, linked: list[Customer] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["customers"]
        field.required = False
        linked = linked if linked is not None else list(self.instance.customers.all())
        field.widget.choices = [(c.pk, str(c)) for c in linked]
        self.linked = linked

    def clean_add_customer(self) -> Customer | None:
        number = self.cleaned_data["add_customer"].strip()
        if not number:
            return None
        customer = Customer.objects.filter(number__iexact=number).first()
        if customer is None:
            raise forms.ValidationError(UNKNOWN_CUSTOMER_NUMBER, params={"number": number})
        return customer

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        customers = list(cleaned.get("customers") or [])
        extra = cleaned.get("add_customer")
        if extra is not None and extra not in customers:
            customers.append(extra)
        if not customers and not self.errors:
            self.add_error("customers", _("A contact belongs to at least one customer."))
        if cleaned.get("portal_admin") and not cleaned.get("portal_access"):
            self.add_error("portal_access", _("A portal admin needs portal access."))
        cleaned["all_customers"] = customers
        return cleaned


class SupportNoteForm(PlainLabelsMixin, forms.ModelForm):
    class Meta:
        model = SupportNote
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}


class ImportUploadForm(PlainLabelsMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 (with or without BOM), separated by commas or semicolons."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                FILE_TOO_LARGE, params={"size": IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload.read()


def _text(model: type[Customer] | type[Contact], field: str, **kwargs: Any) -> forms.CharField:
    kwargs.setdefault("required", False)
    return forms.CharField(max_length=model._meta.get_field(field).max_length, **kwargs)


@functools.cache
def _spellings(field: str) -> dict[str, str]:
    """Value and label of each choice, in every UI language, lower-cased → value."""
    choices = CustomerKind.choices if field == "type" else list(settings.LANGUAGES)
    spellings = {}
    for code, _label in settings.LANGUAGES:
        with translation.override(code):
            spellings.update({str(label).lower(): value for value, label in choices})
    spellings.update({str(value).lower(): value for value, _label in choices})
    return spellings


class ImportRowForm(forms.Form):
    """One CSV row; the field names are the column names."""

    number = _text(Customer, "number", required=True)
    name = _text(Customer, "name", required=True)
    type = forms.CharField(required=False)
    street = _text(Customer, "street")
    postal_code = _text(Customer, "postal_code")
    city = _text(Customer, "city")
    country = _text(Customer, "country")
    phone = _text(Customer, "phone")
    email = forms.EmailField(required=False)
    language = forms.CharField(required=False)
    notes = forms.CharField(required=False)
    contact_name = _text(Contact, "name")
    contact_email = forms.EmailField(required=False)
    contact_phone = _text(Contact, "phone")

    def _choice(self, field: str, message: Any) -> str:
        value = self.cleaned_data[field]
        if not value:
            return ""
        try:
            return _spellings(field)[value.lower()]
        except KeyError:
            raise forms.ValidationError(message, params={"value": value}) from None

    def clean_type(self) -> str:
        return self._choice("type", UNKNOWN_TYPE)

    def clean_language(self) -> str:
        return self._choice("language", UNKNOWN_LANGUAGE)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        has_contact = cleaned.get("contact_email") or cleaned.get("contact_phone")
        if has_contact and not cleaned.get("contact_name") and "contact_name" not in self.errors:
            self.add_error("contact_name", CONTACT_NEEDS_NAME)
        return cleaned
