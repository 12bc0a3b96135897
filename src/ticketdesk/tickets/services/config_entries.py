"""Configurable list entries: create, update, reorder, deactivate and delete."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max

from ticketdesk.tickets import errors
from ticketdesk.tickets.models import (
    Category,
    Priority,
    ReplyTemplate,
    Status,
    SubCategory,
    TicketTemplate,
)

ConfigEntry = Status | Priority | Category | SubCategory | ReplyTemplate | TicketTemplate
ORDER_STEP = 10

# Flags only one entry of a list may carry: setting one on an entry clears it on the others.
EXCLUSIVE_FLAGS: dict[type[models.Model], tuple[str, ...]] = {
    Status: ("is_default", "set_on_accept", "set_on_agent_reply", "set_on_customer_reply"),
    Priority: ("is_default",),
    ReplyTemplate: ("is_default",),
}


def usage_count(entry: ConfigEntry) -> int:
    """Tickets (and for categories and priorities, sub-categories) pointing at the entry."""
    tickets = getattr(entry, "tickets", None)
    count = tickets.count() if tickets is not None else 0
    if isinstance(entry, Category):
        count += entry.subcategories.count()
    if isinstance(entry, Priority):
        count += SubCategory.objects.filter(default_priority=entry).count()
    return count


def siblings(entry: ConfigEntry) -> models.QuerySet[Any]:
    """The list the entry is ordered in (a sub-category's list is its category's)."""
    manager = type(entry)._default_manager
    if isinstance(entry, SubCategory):
        return manager.filter(category_id=entry.category_id)
    return manager.all()


def _check_lists_stay_usable(entry: ConfigEntry) -> None:
    """Tickets need an active open and closed status and an active priority."""
    if isinstance(entry, Status):
        active = Status.objects.active()
        usable = active.filter(is_closed=False).exists() and active.filter(is_closed=True).exists()
    elif isinstance(entry, Priority):
        usable = Priority.objects.active().exists()
    else:
        return
    if not usable:
        raise ValidationError(errors.LAST_NEEDED_ENTRY, code="last_needed", params={"entry": entry})


def _clear_exclusive_flags(entry: ConfigEntry) -> None:
    for flag in EXCLUSIVE_FLAGS.get(type(entry), ()):
        if getattr(entry, flag):
            siblings(entry).exclude(pk=entry.pk).filter(**{flag: True}).update(**{flag: False})


@transaction.atomic
def create_config_entry(model: type[ConfigEntry], **fields: Any) -> ConfigEntry:
    """Add an entry; without an order it goes to the end of its list.

    Setting an exclusive flag (a status's "default for new tickets", ...)
    takes it away from the entry that had it.
    """
    entry = model(**{k: v for k, v in fields.items() if k != "order" or v is not None})
    if not fields.get("order"):
        last = siblings(entry).aggregate(last=Max("order"))["last"] or 0
        entry.order = last + ORDER_STEP
    entry.full_clean()
    entry.save()
    _clear_exclusive_flags(entry)
    return entry


@transaction.atomic
def update_config_entry(entry: ConfigEntry, **changes: Any) -> ConfigEntry:
    """Change an entry's fields (names, colour, flags, targets, ...); see create_config_entry."""
    if changes.get("order", 0) is None:
        del changes["order"]
    for field, value in changes.items():
        setattr(entry, field, value)
    entry.full_clean()
    entry.save(update_fields=list(changes))
    _clear_exclusive_flags(entry)
    _check_lists_stay_usable(entry)
    return entry


@transaction.atomic
def move_config_entry(entry: ConfigEntry, *, direction: Literal["up", "down"]) -> ConfigEntry:
    """Swap the entry with its neighbour and renumber the list 10, 20, 30, ..."""
    entries = list(siblings(entry).select_for_update().order_by("order", "pk"))
    index = next(i for i, item in enumerate(entries) if item.pk == entry.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(entries):
        entries[index], entries[other] = entries[other], entries[index]
    for position, item in enumerate(entries, start=1):
        if item.order != position * ORDER_STEP:
            item.order = position * ORDER_STEP
            item.save(update_fields=["order"])
    entry.order = next(item.order for item in entries if item.pk == entry.pk)
    return entry


@transaction.atomic
def delete_config_entry(entry: ConfigEntry) -> None:
    """Delete an unused entry; one in use is refused and must be deactivated instead."""
    count = usage_count(entry)
    if count:
        raise ValidationError(
            errors.ENTRY_IN_USE, code="in_use", params={"entry": entry, "count": count}
        )
    entry.delete()
    _check_lists_stay_usable(entry)


@transaction.atomic
def set_config_entry_active(entry: ConfigEntry, *, active: bool) -> ConfigEntry:
    """Deactivate (or reactivate) an entry; history keeps pointing at it.

    The last active open or closed status and the last active priority stay:
    tickets need them.
    """
    entry.is_active = active
    entry.save(update_fields=["is_active"])
    _check_lists_stay_usable(entry)
    return entry
