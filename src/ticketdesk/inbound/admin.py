"""Django admin for incoming messages (read-only; the raw source shown as text)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ticketdesk.core.admin import CheckedAdmin
from ticketdesk.inbound.models import InboundMessage

RAW_PREVIEW_LIMIT = 200_000


@admin.register(InboundMessage)
class InboundMessageAdmin(CheckedAdmin):
    list_display = [
        "received_at",
        "status",
        "review_reason",
        "from_address",
        "subject",
        "source",
        "is_auto_reply",
        "is_bounce",
        "ticket",
    ]
    list_filter = ["status", "review_reason", "source", "is_auto_reply", "is_bounce"]
    search_fields = ["message_id", "from_address", "subject", "sha256"]
    date_hierarchy = "received_at"
    exclude = ["raw", "raw_file"]
    readonly_fields = [
        *(f.name for f in InboundMessage._meta.fields if f.name not in {"raw", "raw_file"}),
        "raw_source",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[InboundMessage]:
        queryset = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("_changelist"):
            return queryset.defer("raw")
        return queryset

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: InboundMessage | None = None
    ) -> bool:
        return False

    @admin.display(description=_("raw source"))
    def raw_source(self, obj: InboundMessage) -> str:
        data = obj.raw_bytes
        text = data[:RAW_PREVIEW_LIMIT].decode("utf-8", errors="replace")
        if len(data) > RAW_PREVIEW_LIMIT:
            text += "\n[…]"
        return text
