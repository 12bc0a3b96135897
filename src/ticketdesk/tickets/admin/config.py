"""Admin for the configurable lists; saves and deletes go through the config-entry services.

An entry in use is never deleted (the service refuses, the admin shows why),
and the list rules (one default status, an active open and closed status
left, ...) hold for admin edits as they do for the configuration pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ticketdesk.core.admin import ServiceErrorsAdmin
from ticketdesk.tickets import errors, services
from ticketdesk.tickets.models import (
    Category,
    Priority,
    ReplyTemplate,
    Status,
    SubCategory,
    TicketTemplate,
)


class ConfigEntryAdmin(ServiceErrorsAdmin):
    list_editable = ("order", "is_active")
    list_filter = ("is_active",)
    actions = ("delete_unused_entries",)

    def get_actions(
        self,
        request: HttpRequest,
        action_location: admin.ActionLocation = admin.ActionLocation.CHANGE_LIST,
    ) -> dict[str, Any]:
        # Django's bulk delete would cascade-check every ticket; ours refuses entries in use.
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request: HttpRequest, obj: Model, form: ModelForm, change: bool) -> None:
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            services.update_config_entry(obj, **changes)
            return
        entry = services.create_config_entry(type(obj), **form.cleaned_data)
        obj.pk, obj.order = entry.pk, entry.order

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # Refuse before Django lists the "protected" tickets (millions of them, maybe).
        entry = self.get_object(request, unquote(object_id))
        count = services.usage_count(entry) if entry is not None else 0
        if count:
            message = errors.ENTRY_IN_USE % {"entry": entry, "count": count}
            self.message_user(request, message, messages.ERROR)
            opts = self.opts
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[entry.pk])
            return HttpResponseRedirect(url)
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        services.delete_config_entry(obj)

    @admin.action(description=_("Delete selected entries not in use"), permissions=["delete"])
    def delete_unused_entries(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        deleted = 0
        for entry in queryset:
            try:
                with transaction.atomic():
                    services.delete_config_entry(entry)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                deleted += 1
        if deleted:
            self.message_user(
                request,
                ngettext("%(count)d entry deleted.", "%(count)d entries deleted.", deleted)
                % {"count": deleted},
                messages.SUCCESS,
            )


@admin.register(Status)
class StatusAdmin(ConfigEntryAdmin):
    list_display = (
        "name_de", "name_en", "order", "is_active", "is_closed", "is_default", "set_on_accept",
        "set_on_agent_reply", "set_on_customer_reply", "notifies_customer", "waits_for_customer",
        "pauses_sla",
    )  # fmt: skip


@admin.register(Priority)
class PriorityAdmin(ConfigEntryAdmin):
    list_display = (
        "name_de", "name_en", "order", "is_active", "is_default", "first_response_minutes",
        "resolution_minutes",
    )  # fmt: skip


@admin.register(Category)
class CategoryAdmin(ConfigEntryAdmin):
    list_display = ("name_de", "name_en", "order", "is_active", "visible_in_portal")


@admin.register(SubCategory)
class SubCategoryAdmin(ConfigEntryAdmin):
    list_display = (
        "name_de", "name_en", "category", "order", "is_active", "default_priority", "default_team",
    )  # fmt: skip
    list_filter = ("category", "is_active")
    list_select_related = ("category", "default_priority", "default_team")


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(ConfigEntryAdmin):
    list_display = ("name", "order", "is_active", "is_default")
    search_fields = ("name", "body")


@admin.register(TicketTemplate)
class TicketTemplateAdmin(ConfigEntryAdmin):
    list_display = ("name", "subject", "order", "is_active")
    search_fields = ("name", "subject")
