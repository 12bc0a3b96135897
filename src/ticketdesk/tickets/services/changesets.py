"""Recording a change-set: the events one service call writes together."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from ticketdesk.tickets.models import EventAction, Message, Ticket, TicketCC, TicketEvent

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User


# Other apps that react to recorded change-sets inside their transaction (webhooks, in the
# api app above tickets), registered from their AppConfig.ready so tickets imports none of them.
ChangeSetHook = Callable[["ChangeSet"], None]
_HOOKS: list[ChangeSetHook] = []


def register_changeset_hook(hook: ChangeSetHook) -> None:
    """Call `hook(changeset)` after every saved change-set, in the change's transaction."""
    if hook not in _HOOKS:
        _HOOKS.append(hook)


def _display(value: Any) -> str:
    if value is None:
        return ""
    return str(value)[:250]


def _key(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(value.pk)
    return str(value)[:50]


@dataclass
class ChangeSet:
    """Collects the events of one service call; they share one id and one timestamp."""

    ticket: Ticket
    by: User | None
    actor_label: str = ""
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    at: Any = field(default_factory=timezone.now)
    events: list[TicketEvent] = field(default_factory=list)
    message: Message | None = None
    # Options that the notification rules read (who gets mail for a reply).
    notify: dict[str, Any] = field(default_factory=dict)
    # Field values before set_field changed them (the SLA clock reads the old status).
    previous: dict[str, Any] = field(default_factory=dict)
    # All of the ticket's copied addresses when this change-set wrote them (a new ticket),
    # so that the notification rules need not read back rows written a moment ago.
    copied: list[TicketCC] | None = None

    def record(
        self, action: str, *, field: str = "", old: Any = None, new: Any = None
    ) -> TicketEvent:
        event = TicketEvent(
            ticket=self.ticket,
            changeset=self.id,
            actor=self.by,
            actor_label=self.actor_label[:200],
            action=action,
            field=field,
            old_value=_display(old),
            new_value=_display(new),
            old_key=_key(old),
            new_key=_key(new),
            created_at=self.at,
        )
        self.events.append(event)
        return event

    def set_field(self, name: str, value: Any) -> bool:
        """Set a ticket field and record the change; False when nothing changed."""
        old = getattr(self.ticket, name)
        if old == value:
            return False
        self.previous.setdefault(name, old)
        setattr(self.ticket, name, value)
        self.record(EventAction.CHANGED, field=name, old=old, new=value)
        return True

    @property
    def changed_fields(self) -> list[str]:
        return [e.field for e in self.events if e.action == EventAction.CHANGED]

    def save(self, update_fields: list[str] | set[str]) -> None:
        """Write the ticket fields, bump its version and store the events.

        Every service reloads the ticket under a row lock (`lock_ticket`) before it
        changes fields, so bumping the version in the same UPDATE is race-free;
        notification rules and the registered hooks (webhooks) then turn the
        change-set into outbox rows in this same transaction.
        """
        from ticketdesk.tickets.notifications import changeset_recorded

        from .sla_clock import advance_clock

        if update_fields:
            fields = {*update_fields, *advance_clock(self, set(update_fields))}
            self.ticket.version += 1
            self.ticket.save(update_fields=sorted({*fields, "updated_at", "version"}))
        TicketEvent.objects.bulk_create(self.events)
        changeset_recorded(self)
        for hook in _HOOKS:
            hook(self)
