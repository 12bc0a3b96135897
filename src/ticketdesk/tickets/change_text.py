"""Human-readable change lines ("Priority: Normal → High") in a chosen language."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import models
from django.utils import formats, translation

from .models import EventAction, Ticket, TicketEvent


def _value_text(field: models.Field, key: str, fallback: str) -> str:
    if not key:
        return "—"
    if isinstance(field, models.ForeignKey):
        obj = field.related_model._default_manager.filter(pk=key).first()
        return str(obj) if obj is not None else fallback
    if isinstance(field, models.DateField):
        try:
            return formats.date_format(datetime.date.fromisoformat(key), "SHORT_DATE_FORMAT")
        except ValueError:
            return fallback
    return fallback


def describe_change(event: TicketEvent, language: str) -> str:
    """One line for a CHANGED event, with names in `language` (keys are re-read)."""
    with translation.override(language):
        field = Ticket._meta.get_field(event.field)
        label = str(field.verbose_name)
        old = _value_text(field, event.old_key, event.old_value)
        new = _value_text(field, event.new_key, event.new_value)
        return f"{label[:1].upper()}{label[1:]}: {old} → {new}"


def describe_changes(events: Iterable[TicketEvent], language: str, fields: set[str]) -> list[str]:
    return [
        describe_change(event, language)
        for event in events
        if event.action == EventAction.CHANGED and event.field in fields
    ]
