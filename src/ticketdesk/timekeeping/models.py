"""Time segments (minutes an agent worked on a ticket) and the timer's open stretches."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticketdesk.tickets.models import Ticket

# One segment is at most a day; more is a typing error ("600" hours for 600 minutes).
MAX_SEGMENT_MINUTES = 24 * 60
COMMENT_MAX_LENGTH = 500


class TimeSource(models.TextChoices):
    AUTOMATIC = "automatic", _("automatic")
    MANUAL = "manual", _("manual")


@dataclass(frozen=True)
class Totals:
    """Summed minutes of some segments."""

    total: int = 0
    billable: int = 0
    count: int = 0

    @property
    def not_billable(self) -> int:
        return self.total - self.billable


def _sums() -> dict[str, Any]:
    return {
        "total": Coalesce(Sum("minutes"), 0),
        "billable": Coalesce(Sum("minutes", filter=Q(billable=True)), 0),
        "count": Count("pk"),
    }


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Start and end of a calendar day in the current (instance) time zone, DST-aware."""
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )
    return start, end


class TimeSegmentQuerySet(models.QuerySet["TimeSegment"]):
    def for_ticket(self, ticket: Ticket) -> TimeSegmentQuerySet:
        return self.filter(ticket=ticket)

    def by_agent(self, agent: Any) -> TimeSegmentQuerySet:
        return self.filter(agent=agent)

    def between(self, start: datetime.datetime, end: datetime.datetime) -> TimeSegmentQuerySet:
        """Segments that started in [start, end)."""
        return self.filter(started_at__gte=start, started_at__lt=end)

    def on_day(self, day: datetime.date) -> TimeSegmentQuerySet:
        """Segments of a calendar day in the instance time zone."""
        return self.between(*day_bounds(day))

    def billable(self) -> TimeSegmentQuerySet:
        return self.filter(billable=True)

    def totals(self) -> Totals:
        """Total, billable and count of these segments, in one aggregate query."""
        return Totals(**self.aggregate(**_sums()))

    def totals_by(self, *fields: str) -> models.QuerySet:
        """One row per value of `fields` with total, billable and count (one GROUP BY query).

        E.g. `.totals_by("agent")`, `.totals_by("ticket")`, `.totals_by("ticket__customer")`;
        rows are dicts keyed by the field names plus "total", "billable", "count".
        """
        return self.order_by().values(*fields).annotate(**_sums()).order_by(*fields)


class TimeSegment(models.Model):
    """Minutes an agent spent on a ticket, from the timer (automatic) or typed in (manual)."""

    # Like the ticket's events (the audit trail), segments go with their ticket.
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.CASCADE,
        related_name="time_segments",
        verbose_name=_("ticket"),
        db_index=False,  # the (ticket, started_at) index serves every lookup by ticket
    )
    # Users are deactivated, never deleted; PROTECT keeps the reports' sums right.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="time_segments",
        verbose_name=_("agent"),
        db_index=False,  # covered by the (agent, started_at) index
    )
    started_at = models.DateTimeField(_("started"))
    minutes = models.PositiveIntegerField(_("minutes"))
    comment = models.CharField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    billable = models.BooleanField(_("billable"), default=True)
    source = models.CharField(_("source"), max_length=10, choices=TimeSource.choices)
    # Raised by every correction, so a form from before is refused instead of overwriting.
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = TimeSegmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("time segment")
        verbose_name_plural = _("time segments")
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["ticket", "started_at"], name="timeseg_ticket_idx"),
            # With minutes and billable, the time report sums a year of segments from the
            # indexes alone instead of reading each row (per agent: ten times faster on
            # SQLite; per customer and category, which read the ticket too: a third).
            models.Index(
                fields=["agent", "started_at", "minutes", "billable"],
                name="timeseg_agent_time_idx",
            ),
            models.Index(
                fields=["started_at", "ticket", "minutes", "billable"],
                name="timeseg_started_time_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=MAX_SEGMENT_MINUTES),
                name="timeseg_minutes_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} min"

    @property
    def date(self) -> datetime.date:
        return timezone.localdate(self.started_at)

    @property
    def is_automatic(self) -> bool:
        return self.source == TimeSource.AUTOMATIC


class TimerStretchQuerySet(models.QuerySet["TimerStretch"]):
    def fresh(self, now: datetime.datetime, idle: datetime.timedelta) -> TimerStretchQuerySet:
        """Stretches heard from within `idle` before `now`: the timers that run."""
        return self.filter(last_heartbeat_at__gte=now - idle)

    def idle(self, now: datetime.datetime, idle: datetime.timedelta) -> TimerStretchQuerySet:
        """Stretches not heard from for longer than `idle`: they end at their last heartbeat."""
        return self.filter(last_heartbeat_at__lt=now - idle)


class TimerStretch(models.Model):
    """The timer running for one agent on one ticket: from its first to its last heartbeat.

    When it ends (page hidden or left, or no heartbeat for TIMER_IDLE_SECONDS) it becomes
    an automatic TimeSegment and the row goes.
    """

    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("ticket"),
        db_index=False,  # the unique (ticket, agent) constraint's index serves it
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("agent"),
    )
    started_at = models.DateTimeField(_("started"))
    last_heartbeat_at = models.DateTimeField(_("last heartbeat"), db_index=True)

    objects = TimerStretchQuerySet.as_manager()

    class Meta:
        verbose_name = _("running timer")
        verbose_name_plural = _("running timers")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "agent"], name="timer_one_per_agent"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id}@{self.ticket_id} since {self.started_at:%H:%M}"

    def elapsed_seconds(self) -> int:
        return int((self.last_heartbeat_at - self.started_at).total_seconds())
