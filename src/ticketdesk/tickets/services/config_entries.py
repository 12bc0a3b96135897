"""Deleting and deactivating configurable list entries."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from ticketdesk.tickets import errors
from ticketdesk.tickets.models import Category, Priority, Status, SubCategory

ConfigEntry = Status | Priority | Category | SubCategory


def usage_count(entry: ConfigEntry) -> int:
    """Tickets (and for categories and priorities, sub-categories) pointing at the entry."""
    count = entry.tickets.count()
    if isinstance(entry, Category):
        count += entry.subcategories.count()
    if isinstance(entry, Priority):
        count += SubCategory.objects.filter(default_priority=entry).count()
    return count


@transaction.atomic
def delete_config_entry(entry: ConfigEntry) -> None:
    """Delete an unused entry; one in use is refused and must be deactivated instead."""
    count = usage_count(entry)
    if count:
        raise ValidationError(
            errors.ENTRY_IN_USE, code="in_use", params={"entry": entry, "count": count}
        )
    entry.delete()


@transaction.atomic
def set_config_entry_active(entry: ConfigEntry, *, active: bool) -> ConfigEntry:
    """Deactivate (or reactivate) an entry; history keeps pointing at it."""
    entry.is_active = active
    entry.save(update_fields=["is_active"])
    return entry
