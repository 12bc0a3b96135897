"""Fill the SLA clock and lifecycle durations of existing tickets from their events.

Targets are recomputed in business time with the instance's calendar; status periods
come from the status-change events; durations from the recorded first response and
closing. Runs in chunks so a large installation does not hold every ticket at once.
"""

from __future__ import annotations

import datetime
import math

from django.conf import settings
from django.db import migrations

CHUNK = 2000
AT_RISK_SHARE = 0.2
WARNING_MINUTES = 60


def _calendar(apps):
    from ticketdesk.sla.calendar import BusinessCalendar

    BusinessHours = apps.get_model("sla", "BusinessHours")
    hours = BusinessHours.objects.order_by("pk").first()
    if hours is None:
        return None
    weekly: dict[int, list[tuple[int, int]]] = {}
    OpeningInterval = apps.get_model("sla", "OpeningInterval")
    ClosedDay = apps.get_model("sla", "ClosedDay")
    for row in OpeningInterval.objects.filter(business_hours=hours):
        weekly.setdefault(row.weekday, []).append((row.start_minute, row.end_minute))
    calendar = BusinessCalendar(
        weekly,
        tz=settings.TIME_ZONE,
        holiday_country=hours.holiday_country,
        holiday_subdivision=hours.holiday_subdivision,
        closed_days=dict(ClosedDay.objects.filter(business_hours=hours).values_list("day", "name")),
    )
    return calendar if calendar.has_opening_hours else None


def _minutes(delta: datetime.timedelta) -> int:
    return max(0, math.floor(delta.total_seconds() / 60))


def _business(calendar, start, end) -> int:
    if calendar is None:
        return _minutes(end - start)
    return max(0, math.floor(calendar.business_minutes_between(start, end)))


def _target(calendar, opened, minutes, paused):
    if minutes is None:
        return None
    if calendar is None:
        return opened + datetime.timedelta(minutes=minutes + paused)
    return calendar.add_business_minutes(opened, minutes + paused)


# The shipped priorities' targets were meant around the clock; in business time (9 hours
# a day) the same words mean these. Only untouched seed values are converted.
SEEDED_TARGETS = {
    # name_en: ((old first response, old resolution), (new first response, new resolution))
    "Low": ((24 * 60, 7 * 24 * 60), (2 * 9 * 60, 10 * 9 * 60)),
    "Normal": ((8 * 60, 72 * 60), (8 * 60, 3 * 9 * 60)),
    "High": ((4 * 60, 24 * 60), (4 * 60, 9 * 60)),
}


def business_hour_targets(apps, schema_editor):
    Priority = apps.get_model("tickets", "Priority")
    for name, (old, new) in SEEDED_TARGETS.items():
        Priority.objects.filter(
            name_en=name, first_response_minutes=old[0], resolution_minutes=old[1]
        ).update(first_response_minutes=new[0], resolution_minutes=new[1])


def backfill(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    TicketEvent = apps.get_model("tickets", "TicketEvent")
    StatusPeriod = apps.get_model("tickets", "StatusPeriod")
    Status = apps.get_model("tickets", "Status")
    calendar = _calendar(apps)
    statuses = {s.pk: s for s in Status.objects.all()}
    warning = getattr(settings, "SLA_WARNING_MINUTES", WARNING_MINUTES)
    fields = [
        "status_since", "target_first_response_at", "target_resolution_at", "sla_paused_at",
        "sla_paused_minutes", "sla_due_at", "sla_at_risk_at", "first_response_minutes",
        "first_response_business_minutes", "first_response_breached", "resolution_minutes",
        "resolution_business_minutes", "resolution_breached", "reopen_count",
    ]  # fmt: skip
    last_pk = 0
    while True:
        tickets = list(
            Ticket.objects.filter(pk__gt=last_pk).select_related("priority").order_by("pk")[:CHUNK]
        )
        if not tickets:
            return
        last_pk = tickets[-1].pk
        changes: dict[int, list] = {}
        reopened: dict[int, int] = {}
        for event in TicketEvent.objects.filter(ticket__in=tickets).order_by("created_at", "pk"):
            if event.action == "changed" and event.field == "status":
                changes.setdefault(event.ticket_id, []).append(event)
            elif event.action == "reopened":
                reopened[event.ticket_id] = reopened.get(event.ticket_id, 0) + 1
        periods = []
        for ticket in tickets:
            since, paused = ticket.opened_at, 0
            for event in changes.get(ticket.pk, []):
                old = statuses.get(int(event.old_key)) if event.old_key.isdigit() else None
                if old is not None and event.created_at >= since:
                    periods.append(
                        StatusPeriod(
                            ticket=ticket, status=old, started_at=since,
                            ended_at=event.created_at, minutes=_minutes(event.created_at - since),
                        )
                    )  # fmt: skip
                    if old.pauses_sla and not old.is_closed:
                        paused += _business(calendar, since, event.created_at)
                since = max(since, event.created_at)
            status = statuses[ticket.status_id]
            ticket.status_since = since
            ticket.reopen_count = reopened.get(ticket.pk, 0)
            ticket.sla_paused_at = since if status.pauses_sla and not status.is_closed else None
            ticket.sla_paused_minutes = paused
            priority = ticket.priority
            opened = ticket.opened_at
            ticket.target_first_response_at = _target(
                calendar, opened, priority.first_response_minutes, paused
            )
            ticket.target_resolution_at = _target(
                calendar, opened, priority.resolution_minutes, paused
            )
            if ticket.first_response_at is not None:
                answered = ticket.first_response_at
                ticket.first_response_minutes = _minutes(answered - opened)
                ticket.first_response_business_minutes = _business(calendar, opened, answered)
                target = ticket.target_first_response_at
                ticket.first_response_breached = answered > target if target else None
            if ticket.closed_at is not None and status.is_closed:
                closed = ticket.closed_at
                ticket.resolution_minutes = _minutes(closed - opened)
                ticket.resolution_business_minutes = _business(calendar, opened, closed)
                target = ticket.target_resolution_at
                ticket.resolution_breached = closed > target if target else None
            running = not status.is_closed and ticket.sla_paused_at is None
            pending = []
            if running and ticket.first_response_at is None and ticket.target_first_response_at:
                pending.append((ticket.target_first_response_at, priority.first_response_minutes))
            if running and ticket.target_resolution_at:
                pending.append((ticket.target_resolution_at, priority.resolution_minutes))
            if pending:
                due, minutes = min(pending)
                margin = max(warning, minutes * AT_RISK_SHARE)
                ticket.sla_due_at = due
                ticket.sla_at_risk_at = _target(calendar, opened, max(0, minutes - margin), paused)
            else:
                ticket.sla_due_at = ticket.sla_at_risk_at = None
        StatusPeriod.objects.bulk_create(periods, batch_size=1000)
        Ticket.objects.bulk_update(tickets, fields, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0011_sla_clock_and_durations"),
        ("sla", "0002_default_business_hours"),
    ]

    operations = [
        migrations.RunPython(business_hour_targets, migrations.RunPython.noop),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
