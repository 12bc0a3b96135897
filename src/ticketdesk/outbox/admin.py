"""Django admin for the outbox (read-mostly: rows are written by services only)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ticketdesk.core.admin import CheckedAdmin
from ticketdesk.outbox.models import RETRYABLE_STATUSES, OutboundMail
from ticketdesk.outbox.services import requeue


@admin.register(OutboundMail)
class OutboundMailAdmin(CheckedAdmin):
    list_display = ["created_at", "status", "kind", "reference", "subject", "attempts", "sent_at"]
    list_filter = ["status", "kind", "language"]
    search_fields = ["message_id", "reference", "subject"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    readonly_fields = [field.name for field in OutboundMail._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboundMail | None = None) -> bool:
        return False

    @admin.action(description=_("Retry now"), permissions=["view"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboundMail]) -> None:
        count = requeue(queryset.filter(status__in=RETRYABLE_STATUSES))
        self.message_user(
            request,
            ngettext("%(count)d e-mail queued again.", "%(count)d e-mails queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
