"""Admin for the timeline: messages, attachments, events and the mail log (read-only).

History is never edited here. Messages and attachments may be deleted (a
password pasted into a reply, a malicious file); events and the mail log stay.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from ticketdesk.core.admin import CheckedAdmin
from ticketdesk.tickets.models import (
    Attachment,
    Message,
    NotificationTemplate,
    TicketEvent,
    TicketMail,
)

from .tickets import ReadOnlyAdmin


class TimelineAdmin(ReadOnlyAdmin):
    # The tables' default order (created_at) has no index of its own; the primary key does.
    ordering = ("-pk",)
    list_select_related = ("ticket",)
    raw_id_fields = ("ticket",)


@admin.register(Message)
class MessageAdmin(TimelineAdmin):
    list_display = ("pk", "ticket", "kind", "author_email", "created_at", "is_automatic")
    list_filter = ("kind", "is_automatic")
    search_fields = ("=ticket__number", "message_id")


@admin.register(Attachment)
class AttachmentAdmin(TimelineAdmin):
    list_display = ("name", "ticket", "content_type", "size", "created_at")
    search_fields = ("=ticket__number", "name")


class HistoryAdmin(TimelineAdmin):
    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(TicketEvent)
class TicketEventAdmin(HistoryAdmin):
    list_display = ("created_at", "ticket", "action", "field", "old_value", "new_value", "actor")
    list_select_related = ("ticket", "actor")
    list_filter = ("action",)
    search_fields = ("=ticket__number", "=changeset")


@admin.register(TicketMail)
class TicketMailAdmin(HistoryAdmin):
    list_display = ("created_at", "ticket", "event", "audience", "mail_message_id")
    list_filter = ("event", "audience")
    search_fields = ("=ticket__number", "mail_message_id")


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(CheckedAdmin):
    """Edited on Configuration → Notification texts (with preview); shown here for inspection."""

    list_display = ("event", "language", "subject", "updated_at")
    list_filter = ("event", "language")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
