"""Admin for tickets, copied addresses, read marks and the number sequence.

Tickets are opened in the agent UI (number, first message, events); here they
can be inspected and fixed. Workflow fields go through the ticket services, so
an admin edit writes the same events and notifications as the ticket page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ticketdesk.accounts.models import STAFF_ROLES, User
from ticketdesk.core.admin import LargeTableAdmin, ServiceErrorsAdmin
from ticketdesk.core.forms import parse_id
from ticketdesk.tickets import services
from ticketdesk.tickets.forms import CHANGEABLE_FIELDS
from ticketdesk.tickets.models import (
    SlaWarning,
    StatusPeriod,
    Ticket,
    TicketCC,
    TicketReadMark,
    TicketSequence,
)

# CHANGEABLE_FIELDS go through change_ticket, the assignee through assign/free_ticket.
# No service owns these; an operator's correction is saved as is.
PLAIN_FIELDS = ("subject", "customer", "requester", "requester_email", "unknown_contact")


class AssigneeFilter(admin.SimpleListFilter):
    """Agents only (the user table also holds every portal login), plus "unassigned"."""

    title = _("assignee")
    parameter_name = "assignee"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        agents = User.objects.filter(role__in=STAFF_ROLES).order_by("full_name", "email")
        return [("none", _("unassigned")), *((str(u.pk), str(u)) for u in agents)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
        if self.value() == "none":
            return queryset.filter(assignee__isnull=True)
        if self.value():
            # A hand-edited URL may hold anything; no user has a non-id for a key.
            agent_id = parse_id(self.value())
            return queryset.filter(assignee_id=agent_id) if agent_id else queryset.none()
        return queryset


@admin.register(Ticket)
class TicketAdmin(ServiceErrorsAdmin, LargeTableAdmin):
    list_display = (
        "reference", "subject", "customer", "status", "priority", "team", "assignee", "opened_at",
    )  # fmt: skip
    list_select_related = ("customer", "status", "priority", "team", "assignee")
    list_filter = ("status", "priority", "category", "team", AssigneeFilter, "source")
    search_fields = ("=number", "subject")
    ordering = ("-opened_at", "-pk")
    autocomplete_fields = ("customer", "requester", "assignee")
    readonly_fields = (
        "number", "source", "opened_at", "accepted_at", "target_resolution_at",
        "first_response_at", "closed_at", "last_customer_message_at", "version", "created_by",
        "updated_at",
    )  # fmt: skip
    fieldsets = (
        (None, {"fields": ("number", "subject", "customer", "requester", "requester_email",
                           "unknown_contact", "source")}),
        (_("Workflow"), {"fields": (*CHANGEABLE_FIELDS, "assignee")}),
        (_("Dates"), {"fields": ("opened_at", "accepted_at", "target_resolution_at",
                                 "first_response_at", "closed_at", "last_customer_message_at",
                                 "updated_at", "version", "created_by")}),
    )  # fmt: skip

    @admin.display(description=_("number"), ordering="number")
    def reference(self, ticket: Ticket) -> str:
        return ticket.reference

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Ticket, form: ModelForm, change: bool) -> None:
        changed = set(form.changed_data)
        ticket = Ticket.objects.get(pk=obj.pk)
        plain = [name for name in PLAIN_FIELDS if name in changed]
        for name in plain:
            setattr(ticket, name, form.cleaned_data[name])
        if plain:
            ticket.save(update_fields=[*plain, "updated_at"])
        fields = {name: form.cleaned_data[name] for name in CHANGEABLE_FIELDS if name in changed}
        if fields:
            services.change_ticket(ticket, by=request.user, **fields)
        if "assignee" in changed:
            agent = form.cleaned_data["assignee"]
            if agent is None:
                services.free_ticket(ticket, by=request.user)
            else:
                services.assign_ticket(ticket, agent=agent, by=request.user)


@admin.register(TicketCC)
class TicketCCAdmin(ServiceErrorsAdmin, LargeTableAdmin):
    """Adding and removing go through add_cc / remove_cc (events); bounce marks are editable."""

    list_display = ("email", "ticket", "bounced_at")
    list_select_related = ("ticket",)
    search_fields = ("email", "=ticket__number")
    raw_id_fields = ("ticket",)
    actions = ()

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        return ("ticket", "email") if obj is not None else ()

    def save_model(
        self, request: HttpRequest, obj: TicketCC, form: ModelForm, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.add_cc(obj.ticket, email=obj.email, by=request.user)
        obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: TicketCC) -> None:
        services.remove_cc(obj.ticket, email=obj.email, by=request.user)


class ReadOnlyAdmin(LargeTableAdmin):
    """Rows that record what happened; operators look, and may delete where noted."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(TicketReadMark)
class TicketReadMarkAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "user", "seen_at")
    list_select_related = ("ticket", "user")
    search_fields = ("=ticket__number", "user__email")
    ordering = ("-pk",)


@admin.register(TicketSequence)
class TicketSequenceAdmin(ReadOnlyAdmin):
    list_display = ("pk", "last_number")

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(StatusPeriod)
class StatusPeriodAdmin(ReadOnlyAdmin):
    """Written by the SLA clock on every status change; the reports read it."""

    list_display = ("ticket", "status", "started_at", "ended_at", "minutes")
    list_select_related = ("ticket", "status")
    search_fields = ("=ticket__number",)
    ordering = ("-pk",)


@admin.register(SlaWarning)
class SlaWarningAdmin(ReadOnlyAdmin):
    """One row per warning sent; deleting one lets the warning task send it again."""

    list_display = ("ticket", "target", "event", "due_at", "sent_at")
    list_select_related = ("ticket",)
    list_filter = ("target", "event")
    search_fields = ("=ticket__number",)
    ordering = ("-pk",)
