"""Ticket services: the only writers of ticket state (one door per change)."""

from .assignment import accept_ticket, assign_ticket, free_ticket
from .attachments import AttachmentInput
from .changesets import ChangeSet
from .config_entries import (
    create_config_entry,
    delete_config_entry,
    move_config_entry,
    set_config_entry_active,
    update_config_entry,
    usage_count,
)
from .conversation import add_customer_message, add_note, add_reply
from .lifecycle import UNSET, change_ticket, close_ticket, open_ticket, reopen_ticket
from .notification_texts import reset_notification_text, save_notification_text
from .recipients import add_cc, mark_ticket_seen, remove_cc

__all__ = [
    "UNSET",
    "AttachmentInput",
    "ChangeSet",
    "accept_ticket",
    "add_cc",
    "add_customer_message",
    "add_note",
    "add_reply",
    "assign_ticket",
    "change_ticket",
    "close_ticket",
    "create_config_entry",
    "delete_config_entry",
    "free_ticket",
    "mark_ticket_seen",
    "move_config_entry",
    "open_ticket",
    "remove_cc",
    "reopen_ticket",
    "reset_notification_text",
    "save_notification_text",
    "set_config_entry_active",
    "update_config_entry",
    "usage_count",
]
