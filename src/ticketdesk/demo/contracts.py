"""Demo support contracts: a shared group contract, a nearly used-up one, time booked on them."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from ticketdesk.accounts.models import User
from ticketdesk.contracts.services.contracts import add_manual_movement, create_contract
from ticketdesk.customers.models import Customer
from ticketdesk.tickets.models import EventAction, Ticket, TicketEvent
from ticketdesk.timekeeping.services import add_segment

SEGMENTS_PER_CUSTOMER = 4


def create_demo_contracts(
    rng: random.Random, *, admin: User, agents: list[User], customers: list[Customer]
) -> None:
    """Contracts for the first customers (the first shared with the second), then billable
    time on some of their tickets, so the balances, the ledger and the report show data."""
    today = timezone.localdate()
    start = today - datetime.timedelta(days=120)
    group, sister, small = customers[0], customers[1], customers[2]
    create_contract(
        group,
        by=admin,
        name="Support 2026",
        total_points=200,
        alert_threshold=30,
        signed_on=start - datetime.timedelta(days=7),
        valid_from=start,
        shared_with=[sister],
    )
    contract = create_contract(
        small, by=admin, name="Basic support", total_points=20, alert_threshold=2, valid_from=start
    )
    add_manual_movement(
        contract, by=admin, kind="credit", points=4, reason="Goodwill: outage in May"
    )
    workers = [agent for agent in agents if agent.is_agent]
    for customer in (group, sister, small):
        tickets = Ticket.objects.filter(customer=customer).order_by("pk")[:SEGMENTS_PER_CUSTOMER]
        for ticket in tickets:
            _log_time(rng, ticket, agent=rng.choice(workers), today=today)


def _log_time(rng: random.Random, ticket: Ticket, *, agent: User, today: datetime.date) -> None:
    """Billable time on a day since the ticket opened; its event is backdated like the
    stories' history (the demo's timeline never shows the future)."""
    opened = timezone.localdate(ticket.opened_at)
    day = opened + datetime.timedelta(days=rng.randint(0, max((today - opened).days, 0)))
    segment = add_segment(
        ticket, by=agent, date=day, minutes=rng.choice([10, 15, 20, 30, 45]), billable=True
    )
    moment = max(segment.started_at, ticket.opened_at)
    TicketEvent.objects.filter(
        ticket=ticket, action=EventAction.TIME_ADDED, created_at__gt=moment
    ).update(created_at=moment)
