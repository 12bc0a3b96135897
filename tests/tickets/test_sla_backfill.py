"""The migration that fills the SLA clock of tickets opened before it existed gives what
the services keep for tickets worked since: same targets, durations, periods, reopenings."""

from __future__ import annotations

import datetime
import importlib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps

from tests.accounts.factories import UserFactory
from tests.tickets.factories import TicketFactory, priority, status
from ticketdesk.tickets import services
from ticketdesk.tickets.models import StatusPeriod, Ticket

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
backfill = importlib.import_module(
    "ticketdesk.tickets.migrations.0012_backfill_sla_and_durations"
).backfill

CLOCK = [
    "status_since", "target_first_response_at", "target_resolution_at", "sla_paused_at",
    "sla_paused_minutes", "sla_due_at", "sla_at_risk_at", "first_response_minutes",
    "first_response_business_minutes", "first_response_breached", "resolution_minutes",
    "resolution_business_minutes", "resolution_breached", "reopen_count",
]  # fmt: skip


def at(day: int, hour: int) -> time_machine.travel:
    return time_machine.travel(datetime.datetime(2026, 11, day, hour, tzinfo=BERLIN), tick=False)


def worked_tickets() -> list[Ticket]:
    agent = UserFactory()
    with at(23, 9):
        plain, paused, closed, urgent = (TicketFactory(by=agent) for _ in range(4))
    with at(23, 11):
        services.add_reply(paused, by=agent, text="Please send the log.")  # to Answer: pauses
        services.change_ticket(urgent, by=agent, priority=priority("Urgent"))
    with at(24, 10):
        services.change_ticket(paused, by=agent, status=status("In progress"))
        services.close_ticket(closed, by=agent)
    with at(25, 15):
        services.reopen_ticket(closed, by=agent)
    return [plain, paused, closed, urgent]


def snapshot() -> tuple[list[tuple], list[tuple]]:
    tickets = list(Ticket.objects.order_by("pk").values_list("pk", *CLOCK))
    periods = list(
        StatusPeriod.objects.order_by("ticket", "started_at").values_list(
            "ticket", "status", "started_at", "ended_at", "minutes"
        )
    )
    return tickets, periods


def test_the_backfill_computes_what_the_services_keep() -> None:
    worked_tickets()
    kept = snapshot()
    StatusPeriod.objects.all().delete()
    Ticket.objects.update(
        target_first_response_at=None, target_resolution_at=None, sla_due_at=None,
        sla_at_risk_at=None, sla_paused_at=None, sla_paused_minutes=0,
        first_response_minutes=None, first_response_business_minutes=None,
        first_response_breached=None, resolution_minutes=None,
        resolution_business_minutes=None, resolution_breached=None, reopen_count=0,
    )  # fmt: skip
    backfill(apps, None)
    again = snapshot()
    for before, after in zip(kept[0], again[0], strict=True):
        assert dict(zip(["pk", *CLOCK], after, strict=True)) == dict(
            zip(["pk", *CLOCK], before, strict=True)
        )
    assert again[1] == kept[1]
    assert kept[1]  # status periods were there to compare
