"""Benchmark: building volume data (`ticketdesk generate`) and the demo set (`load_demo`).

The generator's speed decides how long a 1,000,000-ticket benchmark database
takes to build; the demo set's decides how long the first `make run` waits.
Each is timed once (a run is seconds to minutes, not milliseconds):

    make bench BENCH_ARGS="-k generate"
    BENCH_GENERATE_TICKETS=100000 make bench BENCH_ARGS="-k generate"
"""

from __future__ import annotations

import os
import time

import pytest

from ticketdesk.accounts.models import User
from ticketdesk.demo.generate import generate
from ticketdesk.demo.loader import load_demo_data
from ticketdesk.tickets.models import Message, Ticket

GENERATE_TICKETS = int(os.environ.get("BENCH_GENERATE_TICKETS", "20000"))

pytestmark = pytest.mark.django_db


def bench_generate_tickets() -> None:
    result = generate(tickets=GENERATE_TICKETS)
    assert result.tickets == GENERATE_TICKETS
    assert Ticket.objects.count() == GENERATE_TICKETS
    assert Message.objects.count() == result.messages > 0
    rows = result.tickets + result.messages + result.events
    print(
        f"BENCH generate {result.tickets} tickets ({result.messages} messages, "
        f"{result.events} events): {result.seconds:.1f} s, "
        f"{result.tickets / result.seconds:.0f} tickets/s, {rows / result.seconds:.0f} rows/s"
    )


def bench_load_demo_data() -> None:
    start = time.perf_counter()
    assert load_demo_data()
    seconds = time.perf_counter() - start
    assert Ticket.objects.exists()
    assert User.objects.filter(email="agent@example.com").exists()
    print(f"BENCH demo data set: {seconds:.1f} s")
