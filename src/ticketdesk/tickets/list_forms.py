"""Forms of the ticket list: the filter bar (GET) and the bulk actions (POST)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Model
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from ticketdesk.core.forms import BoundedDateField, ModelIdsField, PageField, SearchField
from ticketdesk.tickets.listing import (
    COLUMNS,
    DEFAULT_SORT,
    DEFAULT_VIEW,
    UNASSIGNED,
    ListChoices,
    TicketListQuery,
    TicketListView,
)
from ticketdesk.tickets.models import Ticket
from ticketdesk.tickets.permissions import visible_tickets
from ticketdesk.tickets.sla_state import SlaState

OPENED_RANGE_REVERSED = _("“Opened from” must not be after “Opened until”.")
NO_TICKETS_SELECTED = _("Select at least one ticket.")
VALUE_MISSING = _("Choose the new value for the selected tickets.")
BULK_LIMIT = 500
TOO_MANY_TICKETS = _("Select at most %(limit)d tickets at once.")

ANY = [("", _("Any"))]
SORTS = [(key, key) for key in COLUMNS] + [(f"-{key}", f"-{key}") for key in COLUMNS]


def _options(entries: list[Any]) -> list[tuple[str, str]]:
    return [(str(entry.pk), str(entry)) for entry in entries]


def _optional_int(label: str, choices: list[tuple[str, str]]) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=ANY + choices, coerce=int, empty_value=None, required=False
    )


class TicketListForm(forms.Form):
    """The list's URL parameters; invalid ones are reported and otherwise ignored."""

    view = forms.ChoiceField(choices=TicketListView.choices, required=False)
    sort = forms.ChoiceField(choices=SORTS, required=False)
    q = SearchField(label=_("Search"))
    customer = SearchField(label=_("Customer"))
    opened_from = BoundedDateField(
        label=_("Opened from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    opened_to = BoundedDateField(
        label=_("Opened until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sla = forms.ChoiceField(
        label=_("SLA"), choices=ANY + [(s.value, s.label) for s in SlaState], required=False
    )
    page = PageField()

    def __init__(self, data: QueryDict, *, choices: ListChoices, default_view: str) -> None:
        super().__init__(data, auto_id="filter-%s", label_suffix="")
        self.default_view = default_view if default_view in TicketListView else DEFAULT_VIEW
        for name, label, entries in [
            ("status", _("Status"), choices.statuses),
            ("priority", _("Priority"), choices.priorities),
            ("category", _("Category"), choices.categories),
            ("team", _("Team"), choices.teams),
        ]:
            self.fields[name] = _optional_int(label, _options(entries))
        nobody = [(str(UNASSIGNED), str(_("Unassigned")))]
        self.fields["assignee"] = _optional_int(_("Assignee"), nobody + _options(choices.agents))
        self.order_fields(["q", "status", "priority", "category", "team", "assignee", "sla"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("opened_from"), cleaned.get("opened_to")
        if start and end and start > end:
            # Half of a reversed range would filter by something nobody asked for.
            self.add_error("opened_to", OPENED_RANGE_REVERSED)
            cleaned.pop("opened_from")
        return cleaned

    def to_query(self) -> TicketListQuery:
        self.is_valid()
        data = self.cleaned_data
        return TicketListQuery(
            view=data.get("view") or self.default_view,
            sort=data.get("sort") or DEFAULT_SORT,
            search=data.get("q") or "",
            status=data.get("status"),
            priority=data.get("priority"),
            category=data.get("category"),
            team=data.get("team"),
            assignee=data.get("assignee"),
            customer=data.get("customer") or "",
            opened_from=data.get("opened_from"),
            opened_to=data.get("opened_to"),
            sla=data.get("sla") or "",
            page=data.get("page") or 1,
        )


class ListViewChoiceForm(forms.Form):
    """The view switcher: the view to show and remember, and the list's other parameters."""

    view = forms.ChoiceField(choices=TicketListView.choices)
    query = forms.CharField(required=False, max_length=2000)


class BulkActionForm(forms.Form):
    """Selected tickets and one action: assign, change status or change priority."""

    ASSIGN, STATUS, PRIORITY = "assign", "status", "priority"

    tickets = ModelIdsField(
        queryset=Ticket.objects.none(),
        widget=forms.MultipleHiddenInput,
        error_messages={"required": NO_TICKETS_SELECTED},
    )
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[
            (ASSIGN, _("Assign")),
            (STATUS, _("Change status")),
            (PRIORITY, _("Change priority")),
        ],
    )
    query = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, data: QueryDict | None = None, *, user: Any, choices: ListChoices, **kwargs: Any
    ) -> None:
        super().__init__(data, auto_id="bulk-%s", label_suffix="", **kwargs)
        self.fields["tickets"].queryset = visible_tickets(user)
        self.entries: dict[str, dict[str, Model]] = {
            self.ASSIGN: {str(u.pk): u for u in choices.agents},
            self.STATUS: {str(s.pk): s for s in choices.statuses if s.is_active},
            self.PRIORITY: {str(p.pk): p for p in choices.priorities if p.is_active},
        }
        for name, label in [
            (self.ASSIGN, _("Assignee")),
            (self.STATUS, _("Status")),
            (self.PRIORITY, _("Priority")),
        ]:
            options = [(pk, str(entry)) for pk, entry in self.entries[name].items()]
            self.fields[name] = forms.ChoiceField(
                label=label, choices=[("", "—"), *options], required=False
            )

    def clean_tickets(self) -> list[Ticket]:
        tickets = list(self.cleaned_data["tickets"].order_by("number"))
        if len(tickets) > BULK_LIMIT:
            raise forms.ValidationError(TOO_MANY_TICKETS, params={"limit": BULK_LIMIT})
        return tickets

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        action = cleaned.get("action")
        if action and not cleaned.get(action):
            self.add_error(action, VALUE_MISSING)
        return cleaned

    def change(self) -> dict[str, Model]:
        """The keyword argument for `bulk_change_tickets`: assignee, status or priority."""
        action = self.cleaned_data["action"]
        entry = self.entries[action][self.cleaned_data[action]]
        return {"assignee" if action == self.ASSIGN else action: entry}
