"""What a report covers (date range, filters, period, scope) and the rows it starts from."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from ticketdesk.tickets.models import Ticket
from ticketdesk.timekeeping.models import TimeSegment

from .permissions import EVERYTHING, Scope

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from ticketdesk.tickets.models.ticket import TicketQuerySet

WEEK, MONTH = "week", "month"


def start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the instance time zone (DST-aware)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class ReportQuery:
    """A report's parameters; `first` and `last` are calendar days, both included."""

    first: datetime.date
    last: datetime.date
    period: str = MONTH
    teams: tuple[int, ...] = ()
    categories: tuple[int, ...] = ()
    customers: tuple[int, ...] = ()
    agents: tuple[int, ...] = ()
    scope: Scope = field(default=EVERYTHING)

    @property
    def start(self) -> datetime.datetime:
        return start_of(self.first)

    @property
    def end(self) -> datetime.datetime:
        """The first moment after the range."""
        return start_of(self.last + datetime.timedelta(days=1))

    def during(self, name: str) -> Q:
        """`name` (a datetime column) lies in the range."""
        return Q(**{f"{name}__gte": self.start, f"{name}__lt": self.end})

    def tickets(self, *, by_assignee: bool = True) -> TicketQuerySet:
        """Tickets in the scope and matching the filters (no date condition)."""
        return Ticket.objects.order_by().filter(self.ticket_filter(by_assignee=by_assignee))

    def ticket_filter(self, prefix: str = "", *, by_assignee: bool = True) -> Q:
        condition = self.scope.tickets(prefix)
        for name, ids in [
            ("team", self.teams),
            ("category", self.categories),
            ("customer", self.customers),
        ]:
            if ids:
                condition &= Q(**{f"{prefix}{name}__in": ids})
        if by_assignee and self.agents:
            condition &= Q(**{f"{prefix}assignee__in": self.agents})
        return condition

    def segments(self) -> QuerySet[TimeSegment]:
        """Time segments started in the range, of tickets in scope; agent filter: who logged."""
        segments = TimeSegment.objects.order_by().filter(
            self.during("started_at"), self.ticket_filter("ticket__", by_assignee=False)
        )
        if self.agents:
            segments = segments.filter(agent__in=self.agents)
        return segments

    def as_params(self) -> dict[str, Any]:
        """The query as URL parameters (what the filter form reads back)."""
        params: dict[str, Any] = {
            "range": "custom",
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "period": self.period,
        }
        for name, ids in [
            ("team", self.teams),
            ("category", self.categories),
            ("customer", self.customers),
            ("agent", self.agents),
        ]:
            if ids:
                params[name] = [str(pk) for pk in ids]
        return params
