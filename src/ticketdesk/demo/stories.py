"""Demo tickets played through the ticket services, then moved back in time.

Each ticket gets a short story (opened, accepted, replies, customer answers,
notes, status changes, closed) told with the real services, so numbers, events,
status automation and notification rules are exactly what the product does.
The services stamp everything with the current time; a demo needs 90 days of
history (lists sorted by date, SLA states, reports), so `History` remembers the
intended moment of every service call and rewrites the timestamps afterwards
with a few bulk UPDATEs. Business-time targets do not move with a shift in time
(a ticket moved to a Friday evening waits for Monday), so the SLA clock and the
lifecycle durations are played again at the intended moments, with the services'
own arithmetic, from what each change-set changed.
"""

from __future__ import annotations

import datetime
import random
from typing import TYPE_CHECKING, NamedTuple

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from ticketdesk.tickets import services
from ticketdesk.tickets.models import (
    Message,
    Priority,
    Source,
    Status,
    StatusPeriod,
    Ticket,
    TicketEvent,
    TicketReadMark,
)
from ticketdesk.tickets.services.sla_clock import open_clock

from . import words
from .lifecycles import CLOCK_FIELDS, Catalog, play_clock_step

if TYPE_CHECKING:
    from ticketdesk.accounts.models import User
    from ticketdesk.customers.models import Contact, Customer
    from ticketdesk.sla.calendar import BusinessCalendar
    from ticketdesk.tickets.services.changesets import ChangeSet

    from .loader import DemoPeople

Moment = datetime.datetime

TICKET_FIELDS = ["accepted_at", "first_response_at", "closed_at", "last_customer_message_at"]


class ClockStep(NamedTuple):
    """What one change-set left that the SLA clock reads (ids), at its intended moment."""

    at: Moment
    status: int
    priority: int
    answered: bool  # the change-set set first_response_at
    left: int | None  # the status it moved away from
    repriced: bool


class History:
    """Maps the real time of each service call to its intended moment in the past."""

    def __init__(self) -> None:
        self.moments: dict[tuple[int, Moment], Moment] = {}
        self.opened: dict[int, tuple[Moment, Moment]] = {}
        self.seen: dict[tuple[int, int], Moment] = {}
        self.latest: dict[int, Moment] = {}
        self.steps: dict[int, list[ClockStep]] = {}

    def _remember(self, ticket: Ticket, real: Moment, intended: Moment) -> None:
        self.moments[(ticket.pk, real)] = intended
        self.latest[ticket.pk] = max(intended, self.latest.get(ticket.pk, intended))

    def record(self, changeset: ChangeSet, intended: Moment) -> None:
        """A saved change-set of a service call and the moment it should have happened."""
        ticket = changeset.ticket
        self._remember(ticket, changeset.at, intended)
        left = changeset.previous.get("status")
        step = ClockStep(
            at=intended,
            status=ticket.status_id,
            priority=ticket.priority_id,
            answered=ticket.first_response_at == changeset.at,
            left=left.pk if left is not None and left.pk != ticket.status_id else None,
            repriced="priority" in changeset.previous,
        )
        self.steps[ticket.pk].append(step)

    def record_opening(self, ticket: Ticket, intended: Moment) -> None:
        self.opened[ticket.pk] = (ticket.opened_at, intended)
        self._remember(ticket, ticket.opened_at, intended)
        opening = ClockStep(intended, ticket.status_id, ticket.priority_id, False, None, False)
        self.steps[ticket.pk] = [opening]

    def _moved(self, ticket_id: int, real: Moment | None) -> Moment | None:
        if real is None:
            return None
        return self.moments.get((ticket_id, real), real)

    def apply(self, calendar: BusinessCalendar | None) -> None:
        """Rewrite the timestamps of every ticket, message, event and read mark played.

        The SLA clock fields and status periods are computed again at the intended
        moments with `calendar` (the one the services used).
        """
        moves = [(new, pk, old) for (pk, old), new in self.moments.items()]
        for model in (TicketEvent, Message):
            _move_created_at(model, moves)
        ids = list(self.opened)
        tickets = list(Ticket.objects.filter(pk__in=ids))
        clock = _Replay(calendar)
        periods: list[StatusPeriod] = []
        for ticket in tickets:
            ticket.opened_at = self.opened[ticket.pk][1]
            for name in TICKET_FIELDS:
                setattr(ticket, name, self._moved(ticket.pk, getattr(ticket, name)))
            ticket.updated_at = self.latest[ticket.pk]
            periods += clock.play(ticket, self.steps[ticket.pk])
        Ticket.objects.bulk_update(
            tickets, ["opened_at", "updated_at", *TICKET_FIELDS, *CLOCK_FIELDS], 500
        )
        # The services stored the periods at the real times; the replay has the intended ones.
        StatusPeriod.objects.filter(ticket_id__in=ids).delete()
        StatusPeriod.objects.bulk_create(periods, batch_size=500)
        marks = list(TicketReadMark.objects.filter(ticket_id__in=ids))
        for mark in marks:
            mark.seen_at = self.seen.get((mark.ticket_id, mark.user_id), mark.seen_at)
        TicketReadMark.objects.bulk_update(marks, ["seen_at"], batch_size=500)


class _Replay:
    """Plays a ticket's clock steps again from its opening, as the services played them."""

    def __init__(self, calendar: BusinessCalendar | None) -> None:
        self.calendar = calendar
        self.statuses = Status.objects.in_bulk()
        self.priorities = Priority.objects.in_bulk()
        self.defaults = {name: Ticket._meta.get_field(name).get_default() for name in CLOCK_FIELDS}

    def play(self, ticket: Ticket, steps: list[ClockStep]) -> list[StatusPeriod]:
        final = (ticket.status_id, ticket.priority_id, ticket.first_response_at)
        for name, value in self.defaults.items():
            setattr(ticket, name, value)
        opening, *later = steps
        self._set(ticket, opening)
        ticket.first_response_at = None
        open_clock(ticket, at=ticket.opened_at, calendar=self.calendar)
        periods = []
        for step in later:
            self._set(ticket, step)
            if step.answered:
                ticket.first_response_at = step.at
            period = play_clock_step(
                ticket,
                at=step.at,
                calendar=self.calendar,
                answered=step.answered,
                left=self.statuses[step.left] if step.left is not None else None,
                repriced=step.repriced,
            )
            if period is not None:
                periods.append(StatusPeriod(ticket=ticket, **period._asdict()))
        if (ticket.status_id, ticket.priority_id, ticket.first_response_at) != final:
            raise RuntimeError(f"the recorded change-sets of ticket {ticket.pk} miss a change")
        return periods

    def _set(self, ticket: Ticket, step: ClockStep) -> None:
        ticket.status = self.statuses[step.status]
        ticket.priority = self.priorities[step.priority]


def _move_created_at(model: type[Model], moves: list[tuple[Moment, int, Moment]]) -> None:
    """One statement for all (new time, ticket id, old time) moves, using (ticket, created_at)."""
    adapt = connection.ops.adapt_datetimefield_value
    table = connection.ops.quote_name(model._meta.db_table)
    # The table name comes from model metadata, never from input.
    sql = f"UPDATE {table} SET created_at = %s WHERE ticket_id = %s AND created_at = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(adapt(new), pk, adapt(old)) for new, pk, old in moves])


def final_status(catalog: Catalog, rng: random.Random, age: datetime.timedelta) -> Status:
    closed_share = 0.85 if age > datetime.timedelta(days=14) else 0.3
    return catalog.closed if rng.random() < closed_share else rng.choice(catalog.open_statuses)


def play_stories(
    rng: random.Random,
    *,
    people: DemoPeople,
    customers: list[Customer],
    count: int,
    days: int,
) -> int:
    """Open `count` tickets spread over the last `days` days; returns how many were played."""
    catalog = Catalog(people.agents, people.teams)
    history = History()
    contacts = {c.pk: list(c.contacts.all()) for c in customers}
    now = timezone.now()
    start = now - datetime.timedelta(days=days)
    openings = sorted(start + (now - start) * rng.random() ** 0.8 for _ in range(count))
    for opened in openings:
        customer = rng.choice(customers)
        story = Story(rng, catalog=catalog, people=people, history=history, now=now)
        story.play(customer, rng.choice(contacts[customer.pk]), opened)
    history.apply(catalog.calendar)
    return count


class Story:
    """One ticket's life, told through the services with intended moments."""

    def __init__(
        self,
        rng: random.Random,
        *,
        catalog: Catalog,
        people: DemoPeople,
        history: History,
        now: Moment,
    ) -> None:
        self.rng = rng
        self.catalog = catalog
        self.people = people
        self.history = history
        self.now = now

    def play(self, customer: Customer, contact: Contact, opened: Moment) -> Ticket:
        rng = self.rng
        target = final_status(self.catalog, rng, self.now - opened)
        ticket = self._open(customer, contact, opened)
        steps = self._plan(target, fresh=self.now - opened < datetime.timedelta(days=7))
        end = min(
            opened + datetime.timedelta(hours=rng.uniform(1, 24 * 12)),
            self.now - datetime.timedelta(minutes=5),
        )
        moments = sorted(opened + (end - opened) * rng.random() for _ in steps)
        agent = self._agent(ticket)
        language = customer.language
        for step, at in zip(steps, moments, strict=True):
            changeset = self._act(step, ticket, agent=agent, contact=contact, language=language)
            if changeset is not None:
                self.history.record(changeset, at)
        if ticket.status != target:
            changeset = self._act("status", ticket, agent=agent, contact=contact, target=target)
            self.history.record(changeset, end)
        if ticket.assignee is not None and rng.random() < 0.6:
            services.mark_ticket_seen(ticket, user=ticket.assignee)
            self.history.seen[(ticket.pk, ticket.assignee.pk)] = end
        return ticket

    def _open(self, customer: Customer, contact: Contact, opened: Moment) -> Ticket:
        rng = self.rng
        subject, text = words.request_text(rng, customer.language)
        category = rng.choice(self.catalog.categories)
        subs = self.catalog.subcategories.get(category.pk, []) if category else []
        source = rng.choices([Source.AGENT, Source.PORTAL, Source.EMAIL], [4, 3, 3])[0]
        team = None if subs else rng.choice(self.catalog.teams)
        ticket = services.open_ticket(
            customer=customer,
            requester=contact,
            subject=subject,
            text=text,
            by=rng.choice(self.people.agents) if source == Source.AGENT else None,
            source=source,
            priority=self.catalog.priority(rng),
            category=category,
            subcategory=rng.choice(subs) if subs else None,
            team=team,
            cc=[f"it@{customer.email.partition('@')[2]}"] if rng.random() < 0.1 else (),
        )
        self.history.record_opening(ticket, opened)
        return ticket

    def _agent(self, ticket: Ticket) -> User:
        return self.rng.choice(self.catalog.members.get(ticket.team_id or 0) or self.catalog.agents)

    def _plan(self, target: Status, *, fresh: bool) -> list[str]:
        rng = self.rng
        if target.is_default and fresh and rng.random() < 0.6:
            return []  # new and untouched: waits in "unassigned"
        steps = ["accept"]
        if rng.random() < 0.4:
            steps.append("note")
        steps.append("reply")
        for _round in range(rng.choice([0, 0, 1, 1, 2])):
            steps += ["customer", "reply"]
        if rng.random() < 0.2:
            steps.append("priority")
        if target.is_closed:
            steps.append("reply_close" if rng.random() < 0.5 else "close")
            if rng.random() < 0.05:
                steps += ["customer_reopen", "reply_close"]
        return steps

    def _act(
        self,
        step: str,
        ticket: Ticket,
        *,
        agent: User,
        contact: Contact,
        language: str = "de",
        target: Status | None = None,
    ) -> ChangeSet | None:
        rng = self.rng
        if step == "accept":
            if ticket.assignee is not None:
                return None
            return services.accept_ticket(ticket, by=agent)
        if step == "note":
            return services.add_note(ticket, by=agent, text=rng.choice(words.NOTES))
        if step in {"reply", "reply_close"}:
            text = words.reply_text(rng, language, contact.name, agent.full_name)
            return services.add_reply(ticket, by=agent, text=text, close=step == "reply_close")
        if step in {"customer", "customer_reopen"}:
            text = words.follow_up_text(rng, language)
            return services.add_customer_message(ticket, contact=contact, text=text)
        if step == "priority":
            return services.change_ticket(ticket, by=agent, priority=self.catalog.priority(rng))
        if step == "close":
            return services.close_ticket(ticket, by=agent)
        return services.change_ticket(ticket, by=agent, status=target)
