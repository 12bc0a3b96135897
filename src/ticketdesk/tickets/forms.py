"""Forms of the agent's ticket pages: new ticket, ticket fields, assignment, reply, copies."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Model, Q, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ticketdesk.accounts.models import Team, User
from ticketdesk.core.forms import PlainLabelsMixin, parse_id, without_nul
from ticketdesk.customers.models import Contact, Customer
from ticketdesk.tickets.models import (
    Category,
    Priority,
    ReplyTemplate,
    Status,
    SubCategory,
    Ticket,
    TicketTemplate,
)
from ticketdesk.tickets.services import AttachmentInput
from ticketdesk.tickets.services.attachments import check_attachments

NO_CUSTOMER_MATCH = _("No customer matches “%(query)s”. Enter a customer number or the exact name.")
SEVERAL_CUSTOMERS = _("Several customers are named “%(query)s”. Enter the customer number.")
CONTACT_NOT_OF_CUSTOMER = _("This contact does not belong to the chosen customer.")
SUBCATEGORY_NOT_OF_CATEGORY = _("This sub-category does not belong to the chosen category.")
TEXT_TOO_LONG = _("The text is larger than the limit of %(limit)s.")

# The type-ahead fills in "Name (Number)"; the number in parentheses identifies the customer.
_NUMBER_IN_PARENTHESES = re.compile(r"\(([^()]+)\)\s*$")


class PlainLabelsForm(PlainLabelsMixin, forms.Form):
    """A form whose accessible names are exactly the field labels."""


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several uploads in one input; cleans to AttachmentInput items within the size limit."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attachments"))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[AttachmentInput]:
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        files: list[UploadedFile] = [
            super(AttachmentsField, self).clean(u, initial) for u in uploads
        ]
        attachments = [AttachmentInput.from_upload(f) for f in files if f]
        check_attachments(attachments)
        return attachments


def validate_text_size(value: str) -> None:
    """Refuse text over TEXT_MAX_BYTES (UTF-8), so the form comes back with it kept."""
    limit = settings.TEXT_MAX_BYTES
    if len(value.encode("utf-8", errors="surrogatepass")) > limit:
        raise ValidationError(
            TEXT_TOO_LONG, code="text_too_long", params={"limit": filesizeformat(limit)}
        )


def attachments_help_text() -> str:
    limit = filesizeformat(settings.ATTACHMENT_MAX_BYTES)
    return gettext("Up to %(limit)s per file.") % {"limit": limit}


def active_or_current(queryset: QuerySet, current: Model | None) -> QuerySet:
    """Active entries, plus the one a ticket holds now even if it was deactivated since."""
    condition = Q(is_active=True)
    if current is not None:
        condition |= Q(pk=current.pk)
    return queryset.filter(condition)


def set_subcategory_choices(field: forms.ModelChoiceField) -> None:
    """Show sub-categories grouped by their category (validation still uses the queryset)."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for sub in field.queryset.select_related("category"):
        groups.setdefault(sub.category.name, []).append((sub.pk, sub.name))
    field.choices = [("", field.empty_label), *groups.items()]


def reconcile_subcategory(
    cleaned: dict[str, Any], *, category_changed: bool, subcategory_changed: bool
) -> str | None:
    """Make category and sub-category agree; returns an error when they cannot.

    A category changed on its own drops the sub-category of the old one; a
    sub-category chosen on its own brings its category along.
    """
    category, sub = cleaned.get("category"), cleaned.get("subcategory")
    if sub is None or sub.category_id == getattr(category, "pk", None):
        return None
    if category_changed and not subcategory_changed:
        cleaned["subcategory"] = None
        return None
    if category is None or not category_changed:
        cleaned["category"] = sub.category
        return None
    return str(SUBCATEGORY_NOT_OF_CATEGORY)


class CategoryFieldsMixin(PlainLabelsForm):
    """Category, sub-category, priority and team, shared by the new-ticket and ticket forms."""

    category = forms.ModelChoiceField(Category.objects.none(), label=_("Category"), required=False)
    subcategory = forms.ModelChoiceField(
        SubCategory.objects.none(), label=_("Sub-category"), required=False
    )
    team = forms.ModelChoiceField(Team.objects.none(), label=_("Team"), required=False)

    def set_category_querysets(self, ticket: Ticket | None = None) -> None:
        def current(name: str) -> Model | None:
            return getattr(ticket, name) if ticket is not None else None

        self.fields["category"].queryset = active_or_current(Category.objects, current("category"))
        self.fields["subcategory"].queryset = active_or_current(
            SubCategory.objects.exclude(category__is_active=False), current("subcategory")
        )
        self.fields["priority"].queryset = active_or_current(Priority.objects, current("priority"))
        self.fields["team"].queryset = active_or_current(Team.objects, current("team"))
        set_subcategory_choices(self.fields["subcategory"])


def find_customer(customer_id: Any, query: str) -> Customer | None:
    """The customer chosen in the type-ahead (hidden id) or typed as number or exact name."""
    query = without_nul(query or "").strip()
    customer_pk = parse_id(customer_id)
    if customer_pk is not None:
        customer = Customer.objects.filter(pk=customer_pk).first()
        if customer is not None and (not query or query in _names_of(customer)):
            return customer
    if not query:
        return None
    match = _NUMBER_IN_PARENTHESES.search(query)
    for number in filter(None, [query, match and match.group(1).strip()]):
        customer = Customer.objects.filter(number__iexact=number).first()
        if customer is not None:
            return customer
    named = list(Customer.objects.filter(name__iexact=query)[:2])
    if len(named) > 1:
        raise ValidationError(SEVERAL_CUSTOMERS, code="ambiguous", params={"query": query})
    if not named:
        raise ValidationError(NO_CUSTOMER_MATCH, code="no_match", params={"query": query})
    return named[0]


def _names_of(customer: Customer) -> set[str]:
    return {str(customer), customer.name, customer.number}


def find_customer_quietly(customer_id: Any, query: str) -> Customer | None:
    try:
        return find_customer(customer_id, query)
    except ValidationError:
        return None


class NewTicketForm(CategoryFieldsMixin):
    customer = forms.CharField(widget=forms.HiddenInput, required=False)
    customer_query = forms.CharField(label=_("Customer"), max_length=250)
    requester = forms.ModelChoiceField(
        Contact.objects.none(),
        label=_("Requester"),
        required=False,
        error_messages={"invalid_choice": CONTACT_NOT_OF_CUSTOMER},
    )
    ticket_template = forms.ModelChoiceField(
        TicketTemplate.objects.active(), label=_("Ticket template"), required=False
    )
    subject = forms.CharField(label=_("Subject"), max_length=250)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea,
        required=False,
        validators=[validate_text_size],
    )
    priority = forms.ModelChoiceField(
        Priority.objects.none(),
        label=_("Priority"),
        required=False,
        empty_label=_("Automatic"),
    )
    assignee = forms.ModelChoiceField(User.objects.none(), label=_("Assignee"), required=False)
    attachments = AttachmentsField()

    field_order = [
        "customer",
        "customer_query",
        "requester",
        "ticket_template",
        "subject",
        "description",
        "category",
        "subcategory",
        "priority",
        "team",
        "assignee",
        "attachments",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_category_querysets()
        self.fields["assignee"].queryset = User.objects.support_team()
        self.fields["attachments"].help_text = attachments_help_text()
        self.fields["customer_query"].widget.attrs.update(
            {"list": "customer-options", "autocomplete": "off", "data-customer-input": ""}
        )
        values = self.data if self.is_bound else self.initial
        self.chosen_customer = find_customer_quietly(
            values.get("customer"), values.get("customer_query", "")
        )
        if self.chosen_customer is not None:
            self.fields["requester"].queryset = self.chosen_customer.contacts.active()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "customer_query" not in self.errors:
            try:
                cleaned["customer"] = find_customer(
                    cleaned.get("customer"), cleaned["customer_query"]
                )
            except ValidationError as error:
                self.add_error("customer_query", error)
        error = reconcile_subcategory(cleaned, category_changed=False, subcategory_changed=True)
        if error:
            self.add_error("subcategory", error)
        return cleaned

    def open_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for services.open_ticket."""
        data = self.cleaned_data
        return {
            "customer": data["customer"],
            "requester": data["requester"],
            "subject": data["subject"],
            "text": data["description"],
            "category": data["category"],
            "subcategory": data["subcategory"],
            "priority": data["priority"],
            "team": data["team"],
            "assignee": data["assignee"],
            "attachments": data["attachments"],
        }


CHANGEABLE_FIELDS = (
    "priority",
    "category",
    "subcategory",
    "status",
    "estimated_resolution_date",
    "team",
)


def ticket_field_values(ticket: Ticket) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(ticket, name) for name in CHANGEABLE_FIELDS}
    values["expected_version"] = ticket.version
    return values


class TicketFieldsForm(CategoryFieldsMixin):
    """The fields saved together with one "Save": one change_ticket call, one change-set."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput)
    priority = forms.ModelChoiceField(
        Priority.objects.none(), label=_("Priority"), empty_label=None
    )
    status = forms.ModelChoiceField(Status.objects.none(), label=_("Status"), empty_label=None)
    estimated_resolution_date = forms.DateField(
        label=_("Estimated resolution date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    field_order = [
        "priority",
        "category",
        "subcategory",
        "status",
        "estimated_resolution_date",
        "team",
    ]

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        kwargs["initial"] = {**ticket_field_values(ticket), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        self.set_category_querysets(ticket)
        self.fields["status"].queryset = active_or_current(Status.objects, ticket.status)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        error = reconcile_subcategory(
            cleaned,
            category_changed=cleaned.get("category") != self.ticket.category,
            subcategory_changed=cleaned.get("subcategory") != self.ticket.subcategory,
        )
        if error:
            self.add_error("subcategory", error)
        return cleaned

    def changes(self) -> dict[str, Any]:
        """Only the fields that differ from the ticket, for services.change_ticket."""
        return {
            name: self.cleaned_data[name]
            for name in CHANGEABLE_FIELDS
            if self.cleaned_data[name] != getattr(self.ticket, name)
        }


def with_subcategory_defaults(values: dict[str, Any]) -> dict[str, Any]:
    """Form values with the chosen sub-category's default priority and team pre-selected."""
    sub_id = parse_id(values.get("subcategory"))
    sub = SubCategory.objects.filter(pk=sub_id).first() if sub_id is not None else None
    if sub is None:
        return values
    values = {**values, "category": sub.category_id}
    if sub.default_priority_id:
        values["priority"] = sub.default_priority_id
    if sub.default_team_id:
        values["team"] = sub.default_team_id
    return values


class AssignForm(PlainLabelsForm):
    agent = forms.ModelChoiceField(User.objects.none(), label=_("Assignee"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = User.objects.support_team()


class ReplyForm(PlainLabelsForm):
    """The reply box: a public reply (optionally closing) or an internal note."""

    reply_template = forms.ModelChoiceField(
        ReplyTemplate.objects.active(), label=_("Reply template"), required=False
    )
    text = forms.CharField(
        label=_("Message"), widget=forms.Textarea, required=False, validators=[validate_text_size]
    )
    notify_requester = forms.BooleanField(
        label=_("Notify the requester"), required=False, initial=True
    )
    notify_cc = forms.BooleanField(
        label=_("Notify the extra addresses"), required=False, initial=True
    )
    notify_assignee = forms.BooleanField(
        label=_("Notify the assignee"), required=False, initial=False
    )
    attachments = AttachmentsField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachments_help_text()
        self.fields["text"].widget.attrs["id"] = "reply-text"


class CCForm(PlainLabelsForm):
    email = forms.EmailField(label=_("E-mail address"))


class ReadMarkForm(forms.Form):
    """The ticket page marking itself read: the last customer message it showed."""

    seen = forms.DateTimeField()
