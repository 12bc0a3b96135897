"""Large volumes of realistic data for benchmarks: `generate(tickets=N)` and `ticketdesk generate`.

The generator bypasses the ticket services on purpose. A service call per
ticket (row lock, several queries, events, notification rules) would take hours
for a million tickets; instead each batch is built in memory and written with
`bulk_create` inside one transaction. The rows are the ones the services would
write (see `lifecycles`): numbers reserved from TicketSequence (one bump per
batch, so tickets opened meanwhile never collide), first customer message and
OPENED event, accept/reply/customer/close change-sets sharing ids, status flags
applied, first response, closed and last-customer-message times, the SLA clock
(business-time targets, paused time, next due target) and the lifecycle
durations with their finished status periods. No mail is queued: this is
history, not news.

Shape: customers with 1–4 contacts, tickets spread over `years` (numbers in
date order), 1–6+ messages each, statuses skewed to closed (older tickets are
nearly all closed, the last week's mostly open), priorities weighted towards
Normal.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from ticketdesk.accounts.models import Role, Team, User
from ticketdesk.customers.models import Contact, Customer
from ticketdesk.tickets.models import (
    Message,
    Source,
    StatusPeriod,
    Ticket,
    TicketCC,
    TicketEvent,
    TicketSequence,
)
from ticketdesk.timekeeping.models import TimeSegment, TimeSource

from . import words
from .bulk import RowWriter
from .lifecycles import (
    DAY,
    EVENT_FIELDS,
    MESSAGE_FIELDS,
    PERIOD_FIELDS,
    TICKET_FIELDS,
    Catalog,
    ContactRow,
    CustomerRow,
    Draft,
    Lifecycle,
)

DEFAULT_BATCH = 5000
TICKETS_PER_CUSTOMER = 25
GENERATED_AGENTS = 8
GENERATED_TEAMS = ["Telefonie", "Netzwerk"]
INSERT_BATCH = 2000
SOURCES = [Source.AGENT, Source.PORTAL, Source.EMAIL]
SOURCE_WEIGHTS = [3, 3, 4]


@dataclass(frozen=True)
class Writers:
    tickets: RowWriter
    messages: RowWriter
    events: RowWriter
    periods: RowWriter

    @classmethod
    def build(cls) -> Writers:
        return cls(
            RowWriter(Ticket, TICKET_FIELDS),
            RowWriter(Message, MESSAGE_FIELDS),
            RowWriter(TicketEvent, EVENT_FIELDS),
            RowWriter(StatusPeriod, PERIOD_FIELDS),
        )


@dataclass(frozen=True)
class GenerateResult:
    customers: int
    contacts: int
    tickets: int
    messages: int
    events: int
    status_periods: int
    time_segments: int
    seconds: float


def generate(
    *,
    tickets: int,
    customers: int | None = None,
    batch: int = DEFAULT_BATCH,
    seed: int = 1,
    years: float = 2.0,
    progress: bool = False,
) -> GenerateResult:
    """Create `customers` (default: one per 25 tickets) and `tickets` with their history."""
    started = time.monotonic()
    rng = random.Random(seed)  # noqa: S311 -- reproducible data, not secrets
    customer_count = customers if customers is not None else max(1, tickets // TICKETS_PER_CUSTOMER)
    catalog = Catalog(*_staff())
    rows, contacts = _create_customers(rng, customer_count, batch=batch, progress=progress)
    now = timezone.now()
    plan = Timeline(start=now - datetime.timedelta(days=365 * years), now=now, total=tickets)
    writers = Writers.build()
    first_pk = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    written = [0, 0, 0]  # messages, events, status periods
    with tqdm(total=tickets, unit="tickets", disable=not progress, desc="tickets") as bar:
        for offset in range(0, tickets, batch):
            size = min(batch, tickets - offset)
            with transaction.atomic():
                counts = _write_tickets(rng, catalog, writers, rows, plan, offset, size)
            written = [total + count for total, count in zip(written, counts, strict=True)]
            bar.update(size)
    segments = add_time_segments(after_pk=first_pk)
    # Bulk writes leave the query planner with stale (on SQLite: no) statistics; both
    # databases understand a bare ANALYZE.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return GenerateResult(
        customers=customer_count,
        contacts=contacts,
        tickets=tickets,
        messages=written[0],
        events=written[1],
        status_periods=written[2],
        time_segments=segments,
        seconds=time.monotonic() - started,
    )


def _staff() -> tuple[list[User], list[Team]]:
    """The Support-team agents and teams to assign to; created when the database has none."""
    agents = list(User.objects.support_team())
    if not agents:
        unusable = make_password(None)
        agents = User.objects.bulk_create(
            User(
                email=f"generated.agent{n}@example.com",
                full_name=f"Generated Agent {n}",
                role=Role.AGENT,
                is_support_team=True,
                password=unusable,
            )
            for n in range(1, GENERATED_AGENTS + 1)
        )
    teams = list(Team.objects.filter(is_active=True).prefetch_related("members"))
    if not teams:
        for index, name in enumerate(GENERATED_TEAMS):
            team, _created = Team.objects.get_or_create(name=name)
            team.members.set(agents[index :: len(GENERATED_TEAMS)])
            teams.append(team)
    return agents, teams


def _create_customers(
    rng: random.Random, count: int, *, batch: int, progress: bool
) -> tuple[list[CustomerRow], int]:
    base = Customer.objects.aggregate(last=Max("pk"))["last"] or 0
    rows: list[CustomerRow] = []
    contact_count = 0
    bar = tqdm(total=count, unit="customers", disable=not progress or count < batch)
    with bar:
        for offset in range(0, count, batch):
            size = min(batch, count - offset)
            with transaction.atomic():
                created = _write_customers(rng, range(base + offset + 1, base + offset + size + 1))
            rows += created
            contact_count += sum(len(r.contacts) for r in created)
            bar.update(size)
    return rows, contact_count


def _write_customers(rng: random.Random, numbers: Iterable[int]) -> list[CustomerRow]:
    customers = []
    for number in numbers:
        name = words.company_name(rng, number)
        postal_code, city = rng.choice(words.CITIES)
        customers.append(
            Customer(
                number=f"G{number:08d}",
                name=name,
                street=f"{rng.choice(words.STREETS)} {rng.randint(1, 120)}",
                postal_code=postal_code,
                city=city,
                email=f"info@{slugify(name)[:40]}.example",
                language="en" if rng.random() < 0.2 else "de",
            )
        )
    Customer.objects.bulk_create(customers, batch_size=INSERT_BATCH)
    contacts: list[tuple[Customer, Contact]] = []
    for customer in customers:
        domain = customer.email.partition("@")[2]
        for _n in range(rng.choice([1, 1, 2, 2, 3, 4])):
            name = words.person_name(rng)
            email = f"{slugify(name).replace('-', '.')}.{rng.randrange(1000)}@{domain}"
            contacts.append(
                (
                    customer,
                    Contact(
                        name=name,
                        email=email,
                        language=customer.language,
                        portal_access=rng.random() < 0.3,
                    ),
                )
            )
    Contact.objects.bulk_create([c for _, c in contacts], batch_size=INSERT_BATCH)
    link = Contact.customers.through
    link.objects.bulk_create(
        [link(contact_id=c.pk, customer_id=cu.pk) for cu, c in contacts], batch_size=INSERT_BATCH
    )
    by_customer: dict[int, list[ContactRow]] = {c.pk: [] for c in customers}
    for customer, contact in contacts:
        by_customer[customer.pk].append(ContactRow(contact.pk, contact.name, contact.email))
    return [
        CustomerRow(c.pk, c.language, c.email.partition("@")[2], tuple(by_customer[c.pk]))
        for c in customers
    ]


@dataclass(frozen=True)
class Timeline:
    """Spreads the tickets evenly from `start` to `now`, in number order."""

    start: datetime.datetime
    now: datetime.datetime
    total: int

    def opened(self, rng: random.Random, index: int) -> datetime.datetime:
        return self.start + (self.now - self.start) * ((index + rng.random()) / self.total)


def _write_tickets(
    rng: random.Random,
    catalog: Catalog,
    writers: Writers,
    customers: list[CustomerRow],
    timeline: Timeline,
    offset: int,
    size: int,
) -> tuple[int, int, int]:
    """Build and insert one batch; returns the numbers of messages, events, status periods."""
    first = _reserve_numbers(size)
    lives = [
        _live(rng, catalog, rng.choice(customers), first + k, timeline, offset + k)
        for k in range(size)
    ]
    writers.tickets.insert(life.ticket.row(life.last_activity) for life in lives)
    ids = dict(
        Ticket.objects.filter(number__gte=first, number__lt=first + size).values_list(
            "number", "pk"
        )
    )
    messages = [(ids[life.ticket.number], *m) for life in lives for m in life.messages]
    events = [(ids[life.ticket.number], *e) for life in lives for e in life.events]
    periods = [(ids[life.ticket.number], *p) for life in lives for p in life.periods]
    writers.messages.insert(messages)
    writers.events.insert(events)
    writers.periods.insert(periods)
    TicketCC.objects.bulk_create(
        TicketCC(ticket_id=ids[life.ticket.number], email=f"it@{life.customer.domain}")
        for life in lives
        if rng.random() < 0.03
    )
    return len(messages), len(events), len(periods)


def _reserve_numbers(size: int) -> int:
    """Take `size` consecutive ticket numbers in one step; returns the first."""
    TicketSequence.objects.get_or_create(pk=1)
    TicketSequence.objects.filter(pk=1).update(last_number=F("last_number") + size)
    return TicketSequence.objects.values_list("last_number", flat=True).get(pk=1) - size + 1


def _live(
    rng: random.Random,
    catalog: Catalog,
    customer: CustomerRow,
    number: int,
    timeline: Timeline,
    index: int,
) -> Lifecycle:
    """Build one ticket and play its life (all in memory)."""
    opened = timeline.opened(rng, index)
    age = timeline.now - opened
    closed_share = 0.97 if age > 30 * DAY else 0.75 if age > 7 * DAY else 0.25
    closes = rng.random() < closed_share
    source = rng.choices(SOURCES, SOURCE_WEIGHTS)[0]
    contact = rng.choice(customer.contacts) if rng.random() > 0.01 else None
    subject, text = words.request_text(rng, customer.language)
    ticket = _new_ticket(rng, catalog, customer, contact, number, opened, source, subject)
    life = Lifecycle(catalog, rng, ticket, customer, contact)
    life.open(text)
    if not closes and rng.random() < 0.3:
        return life  # waits unassigned
    end = max(
        opened,
        min(
            opened + datetime.timedelta(hours=rng.lognormvariate(2.5, 1.3)),
            timeline.now - datetime.timedelta(minutes=1),
        ),
    )
    steps = ["note"] if rng.random() < 0.3 else []
    steps += ["reply"]
    steps += ["customer", "reply"] * rng.choice([0, 0, 0, 1, 1, 2])
    moments = iter(sorted(opened + (end - opened) * rng.random() for _ in range(len(steps) + 1)))
    team_members = catalog.members.get(ticket.team_id or 0) or catalog.agents
    agent = rng.choice(team_members)
    life.accept(next(moments), agent)
    for step, at in zip(steps, moments, strict=False):
        if step == "note":
            life.note(at, agent)
        elif step == "reply":
            life.reply(at, agent)
        else:
            life.customer_wrote(at)
    if closes and rng.random() < 0.5:
        life.reply(end, agent, close=True)
    elif closes:
        life.change_status(end, agent, catalog.closed)
    else:
        life.change_status(end, agent, rng.choice(catalog.open_statuses))
    return life


def _new_ticket(
    rng: random.Random,
    catalog: Catalog,
    customer: CustomerRow,
    contact: ContactRow | None,
    number: int,
    opened: datetime.datetime,
    source: str,
    subject: str,
) -> Draft:
    category = rng.choice(catalog.categories)
    subs = catalog.subcategories.get(category.pk, []) if category else []
    sub = rng.choice(subs) if subs and rng.random() < 0.7 else None
    priority = catalog.priority(rng)
    team = rng.choice(catalog.teams)
    unknown = contact is None
    return Draft(
        number=number,
        subject=subject,
        customer_id=customer.pk,
        requester_id=contact.pk if contact else None,
        requester_email=contact.email if contact else f"unknown{number}@mail.example",
        unknown_contact=unknown,
        status=catalog.default,
        priority=priority,
        category_id=category.pk if category else None,
        subcategory_id=sub.pk if sub else None,
        team_id=(sub.default_team_id if sub else None) or (team.pk if team else None),
        opened_at=opened,
        estimated_resolution_date=(opened + 3 * DAY).date() if rng.random() < 0.05 else None,
        last_customer_message_at=opened if source != Source.AGENT else None,
        source=Source.EMAIL if unknown else source,
        created_by=rng.choice(catalog.agents) if source == Source.AGENT and not unknown else None,
    )


def add_time_segments(*, after_pk: int = 0) -> int:
    """Time segments for the generated tickets above `after_pk`, in two set-based INSERTs.

    Each answered ticket gets the timer's stretch at its first response (5-44 minutes),
    each closed one a manual entry at its closing (15-89 minutes, two in three billable),
    both by the assignee; the numbers follow the ticket id, so the data is reproducible.
    Also tops up a data set generated before segments existed (`after_pk=0`, once).
    """
    segments = connection.ops.quote_name(TimeSegment._meta.db_table)
    tickets = connection.ops.quote_name(Ticket._meta.db_table)
    columns = (
        "ticket_id, agent_id, started_at, minutes, comment, billable, source, version, "
        "created_at, updated_at"
    )
    # %% is a literal % (the statement has parameters).
    rows = [
        ("first_response_at", "5 + id %% 40", "1 = 1", TimeSource.AUTOMATIC),
        ("closed_at", "15 + id %% 75", "id %% 3 <> 0", TimeSource.MANUAL),
    ]
    inserted = 0
    with connection.cursor() as cursor:
        for moment, minutes, billable, source in rows:
            cursor.execute(
                f"INSERT INTO {segments} ({columns}) "  # noqa: S608 -- names from _meta
                f"SELECT id, assignee_id, {moment}, {minutes}, '', {billable}, %s, 1, "
                f"{moment}, {moment} FROM {tickets} "
                f"WHERE id > %s AND assignee_id IS NOT NULL AND {moment} IS NOT NULL",
                [source, after_pk],
            )
            inserted += cursor.rowcount
    return inserted
