"""Forms of Configuration → Support → Mail filters: the rule and its conditions (inline)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Model, Q, QuerySet
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from ticketdesk.accounts.models import Team, User
from ticketdesk.tickets.models import Category, Priority

from .models import MailFilter, MailFilterCondition
from .services import ConditionInput, FilterInput

ACTION_FIELDS = ["set_priority", "set_category", "set_team", "set_assignee", "close", "skip_ticket"]


def _choosable(queryset: QuerySet[Any], current: Model | None) -> QuerySet[Any]:
    """Active entries, plus the one already chosen so an edit does not fail on it."""
    if current is None:
        return queryset
    return queryset.model._default_manager.filter(Q(pk__in=queryset) | Q(pk=current.pk))


class MailFilterForm(forms.ModelForm):
    class Meta:
        model = MailFilter
        fields = ["name", "is_active", "match", *ACTION_FIELDS]
        widgets = {"match": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        entry = self.instance
        choices = {
            "set_priority": (Priority.objects.active(), entry.set_priority),
            "set_category": (Category.objects.active(), entry.set_category),
            "set_team": (Team.objects.filter(is_active=True), entry.set_team),
            "set_assignee": (User.objects.support_team(), entry.set_assignee),
        }
        for name, (queryset, current) in choices.items():
            self.fields[name].queryset = _choosable(queryset, current)
            self.fields[name].empty_label = _("(leave as is)")
        self.fields["set_assignee"].help_text = _("Only members of the Support team.")

    def to_input(self) -> FilterInput:
        return FilterInput(**self.cleaned_data)


ConditionFormSet = inlineformset_factory(
    MailFilter,
    MailFilterCondition,
    fields=["field", "operator", "value"],
    extra=2,
    min_num=1,
    validate_min=True,
    can_delete=True,
)


def conditions_of(formset: forms.BaseInlineFormSet) -> list[ConditionInput]:
    """The valid formset's kept rows as service input (empty and deleted rows left out)."""
    return [
        ConditionInput(
            field=form.cleaned_data["field"],
            operator=form.cleaned_data["operator"],
            value=form.cleaned_data["value"],
        )
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
