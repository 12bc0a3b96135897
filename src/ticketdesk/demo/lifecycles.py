"""The rows one generated ticket's life produces, mirroring what the ticket services write.

Pure Python, no queries, no model instances (they cost more than the insert):
`Lifecycle` replays open → accept → notes, replies and customer answers →
close (or a final open status) on a `Draft` of the ticket and collects the
Message, TicketEvent and StatusPeriod rows as tuples (columns in MESSAGE_FIELDS,
EVENT_FIELDS and PERIOD_FIELDS order, the ticket id still missing), with shared
change-set ids and the status flags (set_on_accept, set_on_agent_reply,
set_on_customer_reply) applied the way the services do. The SLA clock and the
lifecycle durations are advanced by the services' own arithmetic
(`tickets.services.sla_clock`) at the moments the services call it. The
generator bulk-inserts the result.
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db.models import Model

from ticketdesk.accounts.models import Team, User
from ticketdesk.tickets.models import (
    Category,
    EventAction,
    MessageKind,
    Priority,
    Source,
    Status,
    SubCategory,
)
from ticketdesk.tickets.services.sla_clock import (
    Period,
    advance,
    current_calendar,
    open_clock,
)

from . import words

if TYPE_CHECKING:
    from ticketdesk.sla.calendar import BusinessCalendar
    from ticketdesk.tickets.models import Ticket

Moment = datetime.datetime
DAY = datetime.timedelta(days=1)
# Relative weights by the default priorities' order (low, normal, high, urgent).
PRIORITY_WEIGHTS = [20, 50, 22, 8]


@dataclass(frozen=True)
class ContactRow:
    pk: int
    name: str
    email: str


@dataclass(frozen=True)
class CustomerRow:
    pk: int
    language: str
    domain: str
    contacts: tuple[ContactRow, ...]


class Catalog:
    """Active configuration entries and agents, loaded once per run."""

    def __init__(self, agents: list[User], teams: list[Team]) -> None:
        self.statuses = list(Status.objects.active())
        self.closed = next(s for s in self.statuses if s.is_closed)
        self.default = next(
            (s for s in self.statuses if s.is_default and not s.is_closed),
            next(s for s in self.statuses if not s.is_closed),
        )
        self.open_statuses = [s for s in self.statuses if not s.is_closed]
        self.on_accept = self._flagged("set_on_accept")
        self.on_agent_reply = self._flagged("set_on_agent_reply")
        self.on_customer_reply = self._flagged("set_on_customer_reply")
        self.priorities = list(Priority.objects.active())
        weights = PRIORITY_WEIGHTS[: len(self.priorities)]
        self.priority_weights = weights + [10] * (len(self.priorities) - len(weights))
        self.categories: list[Category | None] = [*Category.objects.active(), None]
        self.subcategories: dict[int, list[SubCategory]] = defaultdict(list)
        for sub in SubCategory.objects.active():
            self.subcategories[sub.category_id].append(sub)
        self.agents = agents
        self.teams: list[Team | None] = [*teams, None]
        members: dict[int, list[User]] = defaultdict(list)
        for team in teams:
            members[team.pk] = [a for a in agents if a in team.members.all()] or agents
        self.members = members
        self.labels: dict[tuple[type[Model], int], str] = {}
        # One query per run; the calendar is immutable and lays out each year once.
        self.calendar = current_calendar()

    def priority(self, rng: random.Random) -> Priority:
        return rng.choices(self.priorities, self.priority_weights)[0]

    def _flagged(self, flag: str) -> Status | None:
        return next((s for s in self.statuses if getattr(s, flag)), None)

    def label(self, entry: Model) -> str:
        """What str(entry) gives in the events the services write (cached)."""
        key = (type(entry), entry.pk)
        if key not in self.labels:
            self.labels[key] = str(entry)[:250]
        return self.labels[key]


# Column order of the tuples below (the ticket id comes first when inserting).
MESSAGE_FIELDS = [
    "ticket", "changeset", "created_at", "kind", "text", "author_user", "author_contact",
    "author_email", "author_name", "message_id",
]  # fmt: skip
EVENT_FIELDS = [
    "ticket", "changeset", "created_at", "action", "actor", "actor_label", "field",
    "old_value", "new_value", "old_key", "new_key",
]  # fmt: skip
PERIOD_FIELDS = ["ticket", "status", "started_at", "ended_at", "minutes"]
# The ticket columns the SLA clock keeps (sla_clock sets them on the draft as on a ticket).
CLOCK_FIELDS = [
    "target_first_response_at", "target_resolution_at", "sla_paused_at", "sla_paused_minutes",
    "sla_due_at", "sla_at_risk_at", "status_since", "first_response_minutes",
    "first_response_business_minutes", "first_response_breached", "resolution_minutes",
    "resolution_business_minutes", "resolution_breached", "reopen_count",
]  # fmt: skip
TICKET_FIELDS = [
    "number", "subject", "customer", "requester", "requester_email", "unknown_contact",
    "status", "priority", "category", "subcategory", "team", "assignee", "accepted_at",
    "opened_at", "estimated_resolution_date", "first_response_at", "closed_at",
    "last_customer_message_at", "source", "version", "created_by", "updated_at", *CLOCK_FIELDS,
]  # fmt: skip
_clock_values = attrgetter(*CLOCK_FIELDS)


def play_clock_step(
    ticket: Draft | Ticket,
    *,
    at: Moment,
    calendar: BusinessCalendar | None,
    answered: bool = False,
    left: Status | None = None,
    repriced: bool = False,
) -> Period | None:
    """What saving a change-set does to the clock (`sla_clock.advance`); the finished period."""
    # sla_clock's functions read and write only attributes a Draft has too.
    period, _changed = advance(
        cast("Ticket", ticket),
        at=at,
        calendar=calendar,
        answered=answered,
        left=left,
        repriced=repriced,
    )
    return period


@dataclass
class Draft:
    """A ticket's fields while its life is played; `row()` gives TICKET_FIELDS values."""

    number: int
    subject: str
    customer_id: int
    requester_id: int | None
    requester_email: str
    unknown_contact: bool
    status: Status
    priority: Priority
    category_id: int | None
    subcategory_id: int | None
    team_id: int | None
    opened_at: Moment
    estimated_resolution_date: datetime.date | None
    last_customer_message_at: Moment | None
    source: str
    created_by: User | None
    assignee: User | None = None
    accepted_at: Moment | None = None
    first_response_at: Moment | None = None
    closed_at: Moment | None = None
    version: int = 1
    # CLOCK_FIELDS, with the model's defaults; Lifecycle.open starts the clock.
    target_first_response_at: Moment | None = None
    target_resolution_at: Moment | None = None
    sla_paused_at: Moment | None = None
    sla_paused_minutes: int = 0
    sla_due_at: Moment | None = None
    sla_at_risk_at: Moment | None = None
    status_since: Moment | None = None
    first_response_minutes: int | None = None
    first_response_business_minutes: int | None = None
    first_response_breached: bool | None = None
    resolution_minutes: int | None = None
    resolution_business_minutes: int | None = None
    resolution_breached: bool | None = None
    reopen_count: int = 0

    def row(self, updated_at: Moment) -> tuple[Any, ...]:
        return (
            self.number, self.subject, self.customer_id, self.requester_id,
            self.requester_email, self.unknown_contact, self.status.pk, self.priority.pk,
            self.category_id, self.subcategory_id, self.team_id,
            self.assignee.pk if self.assignee else None, self.accepted_at, self.opened_at,
            self.estimated_resolution_date, self.first_response_at, self.closed_at,
            self.last_customer_message_at, self.source, self.version,
            self.created_by.pk if self.created_by else None, updated_at, *_clock_values(self),
        )  # fmt: skip


@dataclass
class Lifecycle:
    """Collects the rows of one ticket; call the steps in time order."""

    catalog: Catalog
    rng: random.Random
    ticket: Draft
    customer: CustomerRow
    contact: ContactRow | None
    messages: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    periods: list[tuple[Any, ...]] = field(default_factory=list)
    last_activity: Moment | None = None

    def _changeset(self, at: Moment) -> uuid.UUID:
        self.last_activity = at
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _event(
        self,
        changeset: uuid.UUID,
        at: Moment,
        action: str,
        *,
        by: User | None,
        label: str = "",
        name: str = "",
        old: Any = None,
        new: Any = None,
    ) -> None:
        old_key = str(old.pk) if isinstance(old, Model) else ""
        new_key = str(new.pk) if isinstance(new, Model) else ""
        actor = by.pk if by else None
        row = (changeset, at, action, actor, label, name, self._display(old), self._display(new))
        self.events.append((*row, old_key, new_key))

    def _display(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, Model):
            return self.catalog.label(value)
        return str(value)[:250]

    def _message(
        self,
        changeset: uuid.UUID,
        at: Moment,
        kind: str,
        text: str,
        *,
        user: User | None = None,
        from_customer: bool = False,
        message_id: str = "",
    ) -> None:
        contact = self.contact if from_customer else None
        email = (contact.email if contact else self.ticket.requester_email) if from_customer else ""
        author = (user.pk if user else None, contact.pk if contact else None, email)
        name = contact.name if contact else ""
        self.messages.append((changeset, at, kind, text, *author, name, message_id))

    def _set_status(
        self, changeset: uuid.UUID, at: Moment, status: Status | None, by: User | None, label: str
    ) -> Status | None:
        """Move to `status` with its events; returns the status left (None: unchanged)."""
        ticket = self.ticket
        old = ticket.status
        if status is None or status == old:
            return None
        self._event(changeset, at, EventAction.CHANGED, by=by, label=label, name="status",
                    old=old, new=status)  # fmt: skip
        ticket.status = status
        if status.is_closed and ticket.closed_at is None:
            ticket.closed_at = at
            self._event(changeset, at, EventAction.CLOSED, by=by, label=label)
        elif not status.is_closed and ticket.closed_at is not None:
            ticket.closed_at = None
            self._event(changeset, at, EventAction.REOPENED, by=by, label=label)
        return old

    def _save(self, at: Moment, *, answered: bool = False, left: Status | None = None) -> None:
        """The end of a change-set: the clock advances as ChangeSet.save advances it."""
        period = play_clock_step(
            self.ticket, at=at, calendar=self.catalog.calendar, answered=answered, left=left
        )
        if period is not None:
            self.periods.append((period.status.pk, *period[1:]))

    def open(self, text: str) -> None:
        ticket, contact = self.ticket, self.contact
        at = ticket.opened_at
        changeset = self._changeset(at)
        by = ticket.created_by if ticket.source == Source.AGENT else None
        label = "" if by else (contact.name if contact else ticket.requester_email)
        message_id = ""
        if ticket.source == Source.EMAIL:
            message_id = f"<{self.rng.getrandbits(64):016x}@{self.customer.domain}>"
        self._message(changeset, at, MessageKind.CUSTOMER, text, user=by, from_customer=True,
                      message_id=message_id)  # fmt: skip
        self._event(changeset, at, EventAction.OPENED, by=by, label=label,
                    new=f"{settings.TICKET_NUMBER_PREFIX}{ticket.number}")  # fmt: skip
        open_clock(cast("Ticket", ticket), at=at, calendar=self.catalog.calendar)

    def accept(self, at: Moment, agent: User) -> None:
        ticket = self.ticket
        changeset = self._changeset(at)
        self._event(changeset, at, EventAction.ACCEPTED, by=agent, name="assignee", new=agent)
        self._event(changeset, at, EventAction.ASSIGNED, by=agent, name="assignee", new=agent)
        ticket.assignee, ticket.accepted_at = agent, at
        ticket.version += 1  # one bump per change-set that saves ticket fields, as the services do
        self._save(at, left=self._set_status(changeset, at, self.catalog.on_accept, agent, ""))

    def note(self, at: Moment, agent: User) -> None:
        changeset = self._changeset(at)
        self._message(changeset, at, MessageKind.NOTE, self.rng.choice(words.NOTES), user=agent)
        self._event(changeset, at, EventAction.NOTE_ADDED, by=agent)

    def reply(self, at: Moment, agent: User, *, close: bool = False) -> None:
        ticket = self.ticket
        changeset = self._changeset(at)
        name = self.contact.name if self.contact else ""
        text = words.reply_text(self.rng, self.customer.language, name, agent.full_name)
        self._message(changeset, at, MessageKind.REPLY, text, user=agent)
        self._event(changeset, at, EventAction.REPLIED, by=agent)
        answered = ticket.first_response_at is None
        if answered:
            ticket.first_response_at = at
        target = self.catalog.closed if close else self.catalog.on_agent_reply
        left = None
        if not (target is not None and ticket.status.is_closed and not target.is_closed):
            left = self._set_status(changeset, at, target, agent, "")
        ticket.version += answered or left is not None
        self._save(at, answered=answered, left=left)

    def customer_wrote(self, at: Moment) -> None:
        ticket, contact = self.ticket, self.contact
        changeset = self._changeset(at)
        label = contact.name if contact else ticket.requester_email
        text = words.follow_up_text(self.rng, self.customer.language)
        self._message(changeset, at, MessageKind.CUSTOMER, text, from_customer=True)
        self._event(changeset, at, EventAction.CUSTOMER_WROTE, label=label, by=None)
        ticket.last_customer_message_at = at
        ticket.version += 1
        target = self.catalog.on_customer_reply
        if ticket.status.is_closed:
            target = target or self.catalog.default
        self._save(at, left=self._set_status(changeset, at, target, None, label))

    def change_status(self, at: Moment, agent: User, status: Status) -> None:
        left = self._set_status(self._changeset(at), at, status, agent, "")
        self.ticket.version += left is not None
        self._save(at, left=left)
