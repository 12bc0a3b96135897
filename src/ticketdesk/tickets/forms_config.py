"""Forms of Configuration → Support lists, and the table each list shows (validation only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ticketdesk.accounts.models import Team
from ticketdesk.core.forms import PlainLabelsMixin
from ticketdesk.tickets.models import (
    Category,
    Priority,
    ReplyTemplate,
    Status,
    SubCategory,
    TicketTemplate,
)

COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour like #1d4ed8."))
LIST_NAMES = ["name_de", "name_en"]


class _EntryForm(PlainLabelsMixin, forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "color" in self.fields:
            self.fields["color"].validators.append(COLOUR)
            self.fields["color"].widget = forms.TextInput(attrs={"type": "color"})
        if "order" in self.fields:
            self.fields["order"].required = False
            if self.instance.pk is None:
                self.initial.setdefault("order", None)
            self.fields["order"].help_text = _("Empty: at the end of the list.")


class StatusForm(_EntryForm):
    class Meta:
        model = Status
        fields = [
            *LIST_NAMES,
            "color",
            "order",
            "is_closed",
            "is_default",
            "set_on_accept",
            "set_on_agent_reply",
            "set_on_customer_reply",
            "notifies_customer",
            "waits_for_customer",
            "pauses_sla",
        ]


class PriorityForm(_EntryForm):
    class Meta:
        model = Priority
        fields = [
            *LIST_NAMES,
            "color",
            "order",
            "first_response_minutes",
            "resolution_minutes",
            "is_default",
        ]


class CategoryForm(_EntryForm):
    class Meta:
        model = Category
        fields = [*LIST_NAMES, "order", "visible_in_portal", "time_billable"]


class SubCategoryForm(_EntryForm):
    class Meta:
        model = SubCategory
        fields = ["category", *LIST_NAMES, "order", "default_priority", "default_team"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep_priority = Q(pk=self.instance.default_priority_id)
        keep_team = Q(pk=self.instance.default_team_id)
        self.fields["default_priority"].queryset = Priority.objects.filter(
            Q(is_active=True) | keep_priority
        )
        self.fields["default_team"].queryset = Team.objects.filter(Q(is_active=True) | keep_team)


class ReplyTemplateForm(_EntryForm):
    class Meta:
        model = ReplyTemplate
        fields = ["name", "body", "is_default", "order"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}
        help_texts = {"is_default": _("Pre-inserted into the reply box of every ticket.")}


class TicketTemplateForm(_EntryForm):
    class Meta:
        model = TicketTemplate
        fields = ["name", "subject", "body", "order"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}


@dataclass(frozen=True)
class Column:
    label: str | Promise
    attr: str
    kind: str = "text"  # text, yes_no, colour, minutes


@dataclass(frozen=True)
class ConfigKind:
    """One configurable list: its model, form, page titles and table columns."""

    key: str
    model: type[Any]
    form: type[forms.ModelForm]
    title: str | Promise
    new_label: str | Promise
    columns: list[Column] = field(default_factory=list)
    note: str | Promise = ""

    @property
    def has_own_page(self) -> bool:
        # Sub-categories are listed and managed on the categories page.
        return self.model is not SubCategory

    @property
    def list_url_name(self) -> str:
        return f"config_support:{self.key if self.has_own_page else 'categories'}"


NAME = Column(_("Name"), "name")
KINDS: dict[str, ConfigKind] = {
    kind.key: kind
    for kind in [
        ConfigKind(
            "statuses",
            Status,
            StatusForm,
            _("Statuses"),
            _("New status"),
            [
                NAME,
                Column(_("Colour"), "color", "colour"),
                Column(_("Closed"), "is_closed", "yes_no"),
                Column(_("Default"), "is_default", "yes_no"),
                Column(_("On accept"), "set_on_accept", "yes_no"),
                Column(_("On agent reply"), "set_on_agent_reply", "yes_no"),
                Column(_("On customer reply"), "set_on_customer_reply", "yes_no"),
                Column(_("Notifies customer"), "notifies_customer", "yes_no"),
                Column(_("Waiting for customer"), "waits_for_customer", "yes_no"),
                Column(_("Pauses SLA"), "pauses_sla", "yes_no"),
            ],
            _(
                "Only one status can be the default and only one can be set automatically "
                "on accept, on agent reply or on customer reply: ticking one of these on a "
                "status takes it from the status that had it."
            ),
        ),
        ConfigKind(
            "priorities",
            Priority,
            PriorityForm,
            _("Priorities"),
            _("New priority"),
            [
                NAME,
                Column(_("Colour"), "color", "colour"),
                Column(_("First response"), "first_response_minutes", "minutes"),
                Column(_("Resolution"), "resolution_minutes", "minutes"),
                Column(_("Default"), "is_default", "yes_no"),
            ],
        ),
        ConfigKind(
            "categories",
            Category,
            CategoryForm,
            _("Categories"),
            _("New category"),
            [NAME, Column(_("Visible in the portal"), "visible_in_portal", "yes_no")],
        ),
        ConfigKind(
            "subcategories",
            SubCategory,
            SubCategoryForm,
            _("Sub-categories"),
            _("New sub-category"),
        ),
        ConfigKind(
            "reply-templates",
            ReplyTemplate,
            ReplyTemplateForm,
            _("Reply templates"),
            _("New reply template"),
            [NAME, Column(_("Default"), "is_default", "yes_no")],
        ),
        ConfigKind(
            "ticket-templates",
            TicketTemplate,
            TicketTemplateForm,
            _("Ticket templates"),
            _("New ticket template"),
            [NAME, Column(_("Subject"), "subject")],
        ),
    ]
}
