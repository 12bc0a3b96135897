"""Benchmark: the ticket list page at volume (default view, sorts, filters, search, CSV).

Each scenario is a full GET of /tickets/ through the middleware stack (session,
user, configuration lists, the page query, template rendering), timed as median
and 95th percentile.

With the other benchmarks (`make bench BENCH_ARGS="-k ticket_list"`): the test
database gets BENCH_TICKETS tickets (default 200,000) from `ticketdesk.demo.generate`;
keep it between runs with `TEST_DB_FILE=1` and `BENCH_ARGS="--reuse-db -k ticket_list"`.

Standalone, on a database kept in a directory of your choice (generated once, topped
up when --tickets grows):

    .venv/bin/python tests/bench/bench_ticket_list.py --tickets 1000000 --data-dir var/bench-1m
    .venv/bin/python tests/bench/bench_ticket_list.py --tickets 200000 \\
        --database-url postgres://postgres@127.0.0.1:5432/bench_list
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.bench.standalone import add_database_arguments, set_up_django  # noqa: E402

DEFAULT_TICKETS = int(os.environ.get("BENCH_TICKETS", "200000"))
AGENT_EMAIL = "bench-agent@example.com"


@dataclass(frozen=True)
class Scenario:
    name: str
    params: dict[str, Any]
    path: str = "/tickets/"


def scenarios() -> list[Scenario]:
    """What agents do with the list; values are taken from the generated data."""
    from ticketdesk.customers.models import Customer
    from ticketdesk.tickets.models import Priority, Ticket

    busiest = Customer.objects.order_by("pk")[Customer.objects.count() // 2]
    newest = Ticket.objects.order_by("-opened_at", "-id").values_list("number", "subject")[500]
    word = max(newest[1].split(), key=len)
    urgent = Priority.objects.order_by("-order").values_list("pk", flat=True).first()
    return [
        Scenario("default view (All open, newest first)", {}),
        Scenario("All open, page 20", {"page": 20}),
        Scenario("All open, sort by priority", {"sort": "priority"}),
        Scenario("All open, sort by priority descending", {"sort": "-priority"}),
        Scenario("All open, sort by status", {"sort": "status"}),
        Scenario("My tickets", {"view": "mine"}),
        Scenario("Unassigned", {"view": "unassigned"}),
        Scenario("Closed, newest first", {"view": "closed"}),
        Scenario("All, newest first", {"view": "all"}),
        Scenario("All, sort by priority", {"view": "all", "sort": "priority"}),
        Scenario("All, sort by priority, page 20", {"view": "all", "sort": "priority", "page": 20}),
        Scenario("All, sort by assignee", {"view": "all", "sort": "assignee"}),
        Scenario("All, sort by number", {"view": "all", "sort": "number"}),
        Scenario("All, sort by SLA due", {"view": "all", "sort": "target"}),
        Scenario("All, sort by customer", {"view": "all", "sort": "customer"}),
        Scenario("All, sort by subject", {"view": "all", "sort": "subject"}),
        Scenario("All, filter by customer", {"view": "all", "customer": busiest.number}),
        Scenario("All, filter by priority", {"view": "all", "priority": urgent}),
        Scenario("All, search ticket number", {"view": "all", "q": f"T-{newest[0]}"}),
        Scenario(f"All, search word {word!r}", {"view": "all", "q": word}),
        Scenario("All, search without a hit", {"view": "all", "q": "Zyxwvut"}),
        Scenario(f"All open, search word {word!r}", {"q": word}),
        Scenario("All open, SLA breached", {"sla": "breached"}),
        Scenario("All open, SLA at risk", {"sla": "at_risk"}),
        Scenario("All open, sort by SLA due", {"sort": "target"}),
        Scenario("dashboard (start page)", {}, path="/"),
    ]


def time_requests(
    get: Callable[[], Any], *, rounds: int, warmup: int = 1
) -> tuple[float, float, int]:
    for _ in range(warmup):
        get()
    seconds = []
    status = 0
    for _ in range(rounds):
        start = time.perf_counter()
        response = get()
        seconds.append(time.perf_counter() - start)
        status = response.status_code
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(seconds) * 1000, p95 * 1000, status


def ensure_tickets(count: int) -> int:
    """Top the database up to `count` generated tickets; returns how many it holds."""
    from ticketdesk.demo.generate import generate
    from ticketdesk.tickets.models import Ticket

    existing = Ticket.objects.count()
    if existing < count:
        start = time.perf_counter()
        generate(tickets=count - existing, seed=existing + 1, progress=True)
        print(f"generated {count - existing} tickets in {time.perf_counter() - start:.0f} s")
        _analyze()
    return Ticket.objects.count()


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def agent_client() -> Any:
    from django.test import Client

    from ticketdesk.accounts.models import Role, User

    agent, _ = User.objects.get_or_create(
        email=AGENT_EMAIL,
        defaults={"full_name": "Bench Agent", "role": Role.AGENT, "is_support_team": True},
    )
    client = Client()
    client.force_login(agent)
    return client


def run(*, rounds: int, explain: bool) -> Iterator[str]:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from ticketdesk.tickets.models import Ticket

    client = agent_client()
    total = Ticket.objects.count()
    yield f"{connection.vendor}, {total} tickets"
    for scenario in [
        *scenarios(),
        Scenario("CSV export, All open (every row)", {"view": "open"}, "/tickets/export.csv"),
    ]:
        reset_queries()
        with CaptureQueriesContext(connection) as capture:
            _get(client, scenario, consume=False)
        queries = list(capture.captured_queries)
        streamed = scenario.path.endswith(".csv")
        n = 1 if streamed else rounds
        median, p95, status = time_requests(
            lambda s=scenario, c=streamed: _get(client, s, consume=c),
            rounds=n,
            warmup=0 if streamed else 1,
        )
        yield (
            f"BENCH ticket list, {scenario.name}: median {median:.1f} ms, p95 {p95:.1f} ms "
            f"(n={n}, {len(queries)} queries, HTTP {status})"
        )
        if explain:
            yield from _plans(queries)


def _get(client: Any, scenario: Scenario, *, consume: bool) -> Any:
    response = client.get(scenario.path, scenario.params)
    # A fast error page is no result: every timed request must answer 200.
    if response.status_code != 200:
        raise AssertionError(f"{scenario.name}: HTTP {response.status_code} instead of 200")
    if consume:
        lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
        if lines < 2:
            raise AssertionError(f"{scenario.name}: the CSV holds no ticket")
    return response


def _plans(captured: list[dict[str, str]]) -> Iterator[str]:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    for query in captured:
        if '"tickets_ticket"' not in query["sql"]:
            continue
        with connection.cursor() as cursor:
            cursor.execute(prefix + query["sql"])
            yield "    " + " | ".join(str(row[-1]) for row in cursor.fetchall())[:600]


# --- `make bench` (pytest) -------------------------------------------------------------


@pytest.fixture(scope="session")
def ticket_volume(django_db_setup: Any, django_db_blocker: Any) -> int:
    with django_db_blocker.unblock():
        return ensure_tickets(DEFAULT_TICKETS)


@pytest.mark.django_db
def bench_ticket_list_at_volume(ticket_volume: int) -> None:
    for line in run(rounds=10, explain=bool(os.environ.get("BENCH_EXPLAIN"))):
        print(line)


# --- standalone --------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=DEFAULT_TICKETS)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    parser.add_argument(
        "--no-analyze", action="store_true", help="skip ANALYZE (planner statistics) before timing"
    )
    add_database_arguments(parser, data_dir="var/bench-list")
    args = parser.parse_args()

    set_up_django(args)
    ensure_tickets(args.tickets)
    if not args.no_analyze:
        _analyze()
    for line in run(rounds=args.rounds, explain=args.explain):
        print(line, flush=True)


if __name__ == "__main__":
    main()
