"""Reading the ticket list: views, filters, sort order and pagination without COUNT(*).

A sort order is a list of segments, each a filter plus an ORDER BY that an index
can answer. Sorting by a configurable list (status, priority, ...) walks its
entries in their configured order, one `WHERE priority_id = ? ORDER BY
opened_at DESC` per entry, instead of joining and sorting every ticket; the
first page of any sort therefore reads about one page of index entries, even
with millions of tickets.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticketdesk.accounts.models import Team, User
from ticketdesk.core.pagination import CountFreePage
from ticketdesk.customers.models import Customer
from ticketdesk.tickets.models import Category, Priority, Status, Ticket, TicketReadMark
from ticketdesk.tickets.permissions import visible_tickets
from ticketdesk.tickets.sla_state import sla_filter, sla_state

if TYPE_CHECKING:
    from ticketdesk.tickets.models.ticket import TicketQuerySet

PAGE_SIZE = 50
_URL_SENTINEL = 987654321
# A customer filter matching more records than this becomes a subquery instead of an id list.
CUSTOMER_ID_LIST_LIMIT = 100


class TicketListView(models.TextChoices):
    MINE = "mine", _("My tickets")
    TEAMS = "teams", _("My teams")
    UNASSIGNED = "unassigned", _("Unassigned")
    OPEN = "open", _("All open")
    WAITING = "waiting", _("Waiting for customer")
    CLOSED = "closed", _("Closed")
    ALL = "all", _("All")


DEFAULT_VIEW = TicketListView.OPEN
# The assignee filter's value for "nobody".
UNASSIGNED = 0
# Views whose tab shows a count: the work queues. Closed and All grow without end.
COUNTED_VIEWS = [
    TicketListView.MINE,
    TicketListView.TEAMS,
    TicketListView.UNASSIGNED,
    TicketListView.OPEN,
    TicketListView.WAITING,
]
# Counts stop here ("999+"): each costs at most this many index entries at any volume.
COUNT_CAP = 999

# Column key -> header. Every column sorts; the key is the `sort` URL parameter.
COLUMNS: dict[str, str] = {
    "number": _("Number"),
    "subject": _("Subject"),
    "customer": _("Customer"),
    "status": _("Status"),
    "priority": _("Priority"),
    "category": _("Category"),
    "team": _("Team"),
    "assignee": _("Assignee"),
    "opened": _("Opened"),
    "target": _("SLA"),
}
DEFAULT_SORT = "-opened"
NEWEST_FIRST = ("-opened_at", "-id")


@dataclass(frozen=True)
class ListChoices:
    """The small configuration lists the list filters on, loaded once per request."""

    statuses: list[Status]
    priorities: list[Priority]
    categories: list[Category]
    teams: list[Team]
    agents: list[User]

    @classmethod
    def load(cls) -> ListChoices:
        return cls(
            statuses=list(Status.objects.all()),
            priorities=list(Priority.objects.all()),
            categories=list(Category.objects.all()),
            teams=list(Team.objects.all()),
            agents=list(User.objects.support_team()),
        )

    def status_ids(self, *, closed: bool) -> list[int]:
        return [s.pk for s in self.statuses if s.is_closed == closed]

    def waiting_status_ids(self) -> list[int]:
        return [s.pk for s in self.statuses if s.waits_for_customer and not s.is_closed]


@dataclass
class TicketListQuery:
    """What the list shows: a view, filters, a search, a sort and a page (all from the URL)."""

    view: str = DEFAULT_VIEW
    sort: str = DEFAULT_SORT
    search: str = ""
    status: int | None = None
    priority: int | None = None
    category: int | None = None
    team: int | None = None
    assignee: int | None = None
    customer: str = ""
    opened_from: datetime.date | None = None
    opened_to: datetime.date | None = None
    sla: str = ""
    page: int = 1

    @property
    def sort_key(self) -> str:
        return self.sort.removeprefix("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")


@dataclass(frozen=True)
class Segment:
    """A slice of the sorted list: the rows matching `where`, in `order_by` order."""

    where: Q
    order_by: tuple[str, ...]


def filtered_tickets(user: User, query: TicketListQuery, choices: ListChoices) -> TicketQuerySet:
    """The tickets of the query's view, filters and search, unordered and undecorated."""
    tickets = _in_view(visible_tickets(user), query.view, user, choices)
    exact = {
        "status_id": query.status,
        "priority_id": query.priority,
        "category_id": query.category,
        "team_id": query.team,
        "assignee_id": query.assignee,
    }
    if query.assignee == UNASSIGNED:
        exact["assignee_id"] = None
        tickets = tickets.filter(assignee__isnull=True)
    tickets = tickets.filter(**{k: v for k, v in exact.items() if v is not None})
    if query.customer.strip():
        tickets = tickets.filter(customer_id__in=_matching_customers(query.customer))
    if query.opened_from:
        tickets = tickets.filter(opened_at__gte=_start_of(query.opened_from))
    if query.opened_to:
        tickets = tickets.filter(opened_at__lt=_start_of(query.opened_to + datetime.timedelta(1)))
    if query.sla:
        tickets = tickets.filter(sla_filter(query.sla, now=timezone.now()))
    return tickets.search(query.search)


def _in_view(
    tickets: TicketQuerySet, view: str, user: User, choices: ListChoices
) -> TicketQuerySet:
    # Status ids instead of a join on status.is_closed let the (status, opened_at) index serve.
    open_ids = choices.status_ids(closed=False)
    match view:
        case TicketListView.MINE:
            return tickets.filter(assignee=user, status_id__in=open_ids)
        case TicketListView.TEAMS:
            # Ids, not a subquery: the (team, opened_at) index then serves, and no team
            # at all reads nothing (a subquery made SQLite walk every open ticket).
            teams = list(user.teams.values_list("pk", flat=True))
            return tickets.filter(team_id__in=teams, status_id__in=open_ids)
        case TicketListView.UNASSIGNED:
            return tickets.filter(assignee__isnull=True, status_id__in=open_ids)
        case TicketListView.WAITING:
            return tickets.filter(status_id__in=choices.waiting_status_ids())
        case TicketListView.CLOSED:
            return tickets.filter(status_id__in=choices.status_ids(closed=True))
        case TicketListView.ALL:
            return tickets
        case _:
            return tickets.filter(status_id__in=open_ids)


def view_tabs(user: User, choices: ListChoices) -> list[tuple[str, str, str]]:
    """(view, label, count) per tab; work queues are counted ("999+" beyond the cap),
    one query each, the others show no count ("")."""
    visible = visible_tickets(user)
    return [
        (
            view,
            label,
            capped_count(_in_view(visible, view, user, choices)) if view in COUNTED_VIEWS else "",
        )
        for view, label in TicketListView.choices
    ]


def capped_count(tickets: models.QuerySet[Any], cap: int | None = None) -> str:
    """The number of rows as text, reading at most cap + 1 of them ("999+" beyond)."""
    cap = COUNT_CAP if cap is None else cap
    count = tickets.order_by()[: cap + 1].count()
    return f"{cap}+" if count > cap else str(count)


def _matching_customers(term: str) -> list[int] | models.QuerySet[Customer]:
    """Customers by number (also "Name (number)" as the type-ahead fills it) or by name."""
    term = term.strip()
    number = term.rsplit("(", 1)[-1].rstrip(")").strip() if term.endswith(")") else term
    matches = Customer.objects.filter(Q(number__iexact=number) | Q(name__icontains=term)).order_by()
    ids = list(matches.values_list("pk", flat=True)[: CUSTOMER_ID_LIST_LIMIT + 1])
    if len(ids) > CUSTOMER_ID_LIST_LIMIT:
        return matches.values("pk")
    return ids


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def sort_segments(query: TicketListQuery, choices: ListChoices) -> list[Segment]:
    """The sort as index-friendly segments; missing values (no team, ...) come last."""
    key, desc = query.sort_key, query.descending
    if key in {"status", "priority", "category", "team", "assignee"}:
        if key == "assignee" and query.assignee == UNASSIGNED:
            return [Segment(Q(assignee__isnull=True), NEWEST_FIRST)]
        entries = _entries(key, query, choices)
        chosen = getattr(query, key)
        if chosen is not None:
            # Filtered to one entry: one segment, and no "missing value" segment.
            return [Segment(Q(**{f"{key}_id": e.pk}), NEWEST_FIRST) for e in entries]
        return _by_entries(key, entries, desc=desc)
    if key == "target":
        # The running SLA target first (nearest due first), then tickets without one.
        by_due = ("-sla_due_at", "-id") if desc else ("sla_due_at", "id")
        return [
            Segment(Q(sla_due_at__isnull=False), by_due),
            Segment(Q(sla_due_at__isnull=True), NEWEST_FIRST),
        ]
    sign = "-" if desc else ""
    order = {
        "number": (f"{sign}number",),
        "subject": (f"{sign}subject", *NEWEST_FIRST),
        "customer": (f"{sign}customer__name", f"{sign}customer_id", *NEWEST_FIRST),
        "opened": (f"{sign}opened_at", f"{sign}id"),
    }.get(key, NEWEST_FIRST)
    return [Segment(Q(), order)]


def _entries(key: str, query: TicketListQuery, choices: ListChoices) -> Sequence[models.Model]:
    """The list's entries in their configured order, less those the query rules out."""
    entries: list[models.Model]
    if key == "assignee":
        # Everyone who holds a ticket, including users no longer in the Support team.
        holders = Ticket.objects.filter(assignee_id=OuterRef("pk"))
        entries = list(User.objects.filter(Exists(holders)).order_by("full_name", "email", "pk"))
    else:
        entries = {
            "status": choices.statuses,
            "priority": choices.priorities,
            "category": choices.categories,
            "team": choices.teams,
        }[key]
    if key == "status" and query.view != TicketListView.ALL:
        # The view already limits the statuses.
        wanted = set(choices.status_ids(closed=query.view == TicketListView.CLOSED))
        entries = [s for s in entries if s.pk in wanted]
    chosen = getattr(query, key)
    return [e for e in entries if chosen is None or e.pk == chosen]


def _by_entries(key: str, entries: Sequence[models.Model], *, desc: bool) -> list[Segment]:
    ordered = list(reversed(entries)) if desc else list(entries)
    segments = [Segment(Q(**{f"{key}_id": e.pk}), NEWEST_FIRST) for e in ordered]
    if key in {"category", "team", "assignee"}:
        segments.append(Segment(Q(**{f"{key}__isnull": True}), NEWEST_FIRST))
    return segments


# Adds what the caller reads (related rows, annotations, or plain values) to a queryset.
Decorate = Callable[["TicketQuerySet"], "models.QuerySet[Any]"]


def fetch_page(
    tickets: TicketQuerySet,
    segments: Sequence[Segment],
    *,
    number: int,
    decorate: Decorate,
    size: int | None = None,
) -> CountFreePage:
    """Rows of page `number`, in two steps: the ids in order, then those rows in full.

    The first step reads only ticket ids (often from the index alone), one query
    per segment touched, size+1 of them to see a next page; a segment is only
    counted (bounded by the offset still to skip) when the page starts after its
    end, so the first page never counts. The second step loads the page's rows
    with what `decorate` adds (related rows, annotations) by primary key.
    """
    size = size or PAGE_SIZE
    offset, wanted = (number - 1) * size, size + 1
    ids: list[int] = []
    for segment in segments:
        part = tickets.filter(segment.where)
        chunk = list(
            part.order_by(*segment.order_by).values_list("pk", flat=True)[offset : offset + wanted]
        )
        if not chunk and offset:
            offset -= part.order_by()[:offset].count()
            continue
        offset = 0
        ids += chunk
        wanted -= len(chunk)
        if wanted <= 0:
            break
    page_rows = Ticket.objects.filter(pk__in=ids[:size]).order_by()
    rows = decorate(page_rows).in_bulk() if ids else {}
    return CountFreePage(
        object_list=[rows[pk] for pk in ids[:size] if pk in rows],
        number=number,
        has_next=len(ids) > size,
    )


def iter_tickets(
    tickets: TicketQuerySet,
    segments: Sequence[Segment],
    *,
    decorate: Decorate,
    chunk_size: int = 2000,
) -> Iterator[Any]:
    """Every row of the list in order (as `decorate` shapes it), fetched in chunks."""
    for segment in segments:
        part = decorate(tickets.filter(segment.where)).order_by(*segment.order_by)
        yield from part.iterator(chunk_size=chunk_size)


def with_columns(tickets: TicketQuerySet) -> TicketQuerySet:
    return tickets.select_related("customer", "status", "priority", "category", "team", "assignee")


def with_unread(tickets: TicketQuerySet, user: User) -> TicketQuerySet:
    """Annotate `is_unread`: a customer message came in after the user last looked."""
    seen = TicketReadMark.objects.filter(
        ticket=OuterRef("pk"), user=user, seen_at__gte=OuterRef("last_customer_message_at")
    )
    unread = Q(last_customer_message_at__isnull=False) & ~Q(Exists(seen))
    return tickets.annotate(is_unread=ExpressionWrapper(unread, output_field=BooleanField()))


def url_for_each(viewname: str) -> Callable[[int], str]:
    """`reverse(viewname, args=[key])` for many keys, resolving the pattern only once."""
    head, _, tail = reverse(viewname, args=[_URL_SENTINEL]).partition(str(_URL_SENTINEL))
    return lambda key: f"{head}{key}{tail}"


def add_links(tickets: Sequence[Ticket]) -> None:
    """Set `page_url`, `customer_url` and `sla` on each row (one reverse() per page, not per row).

    `sla` is the SLA state at this moment, and `sla_at` the moment the row shows with it:
    the running target, else (closed) the resolution target.
    """
    ticket_url = url_for_each("tickets:detail")
    customer_url = url_for_each("customers:detail")
    now = timezone.now()
    for ticket in tickets:
        ticket.page_url = ticket_url(ticket.number)
        ticket.customer_url = customer_url(ticket.customer_id)
        ticket.sla = sla_state(ticket, now=now)
        ticket.sla_at = ticket.sla_due_at or ticket.target_resolution_at
