"""Benchmark: every report section for one year at volume (target: ≤ 1 s per section).

Each section is timed twice: the section function alone (the database aggregation and
the rows it returns) and the full GET of its JSON endpoint as an administrator (form,
scope, serialization, middleware). Also timed: the section with a team filter, the whole
reports page (every section and its table) and the per-customer report of the busiest
customer. Prints the median, the 95th percentile and the number of queries.

Volume data comes from `ticketdesk.demo.generate` (tickets with their durations); time
segments are added here when the generated data set has none (two per ticket, in one
INSERT ... SELECT, at the opening and at the first response).

With the other benchmarks (`make bench BENCH_ARGS="-k reports"`): the test database gets
BENCH_TICKETS tickets (default 200,000); keep it between runs with `TEST_DB_FILE=1` and
`BENCH_ARGS="--reuse-db -k reports"`.

Standalone, on a database kept in a directory of your choice (generated once, topped up
when --tickets grows):

    .venv/bin/python tests/bench/bench_reports.py --tickets 1000000 --data-dir var/bench-1m
    .venv/bin/python tests/bench/bench_reports.py --tickets 1000000 \\
        --database-url postgres://postgres@127.0.0.1:5432/bench_reports
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.bench.standalone import add_database_arguments, set_up_django  # noqa: E402

DEFAULT_TICKETS = int(os.environ.get("BENCH_TICKETS", "200000"))
ADMIN_EMAIL = "bench-reports-admin@example.com"
TARGET_MS = 1000


def ensure_data(count: int) -> int:
    """Top the database up to `count` generated tickets and give them time segments."""
    from ticketdesk.demo.generate import generate
    from ticketdesk.tickets.models import Ticket
    from ticketdesk.timekeeping.models import TimeSegment

    existing = Ticket.objects.count()
    if existing < count:
        start = time.perf_counter()
        generate(tickets=count - existing, seed=existing + 1, progress=True)
        print(f"generated {count - existing} tickets in {time.perf_counter() - start:.0f} s")
    if not TimeSegment.objects.exists():
        start = time.perf_counter()
        added = add_segments()
        print(f"added {added} time segments in {time.perf_counter() - start:.0f} s")
    missing = Ticket.objects.filter(
        first_response_at__isnull=False, first_response_minutes__isnull=True
    ).count()
    if missing:
        print(f"WARNING: {missing} answered tickets without durations (old generator?)")
    _analyze()
    return Ticket.objects.count()


def add_segments() -> int:
    """Two segments per ticket by its assignee (else the first agent), one statement each."""
    from django.db import connection

    from ticketdesk.accounts.models import Role, User
    from ticketdesk.timekeeping.models import TimeSegment

    fallback = (
        User.objects.filter(role__in=[Role.AGENT, Role.ADMINISTRATOR])
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    table = TimeSegment._meta.db_table
    now = datetime.datetime.now(datetime.UTC)
    added = 0
    with connection.cursor() as cursor:
        for moment, condition in [
            ("opened_at", "1 = 1"),
            ("first_response_at", "first_response_at IS NOT NULL"),
        ]:
            # Minutes 5..124 and billable for two tickets in three: spread, reproducible.
            cursor.execute(
                f"INSERT INTO {table} (ticket_id, agent_id, started_at, minutes, comment, "  # noqa: S608 -- fixed names
                "billable, source, version, created_at, updated_at) "
                f"SELECT id, COALESCE(assignee_id, %s), {moment}, (id %% 120) + 5, '', "
                f"(id %% 3) <> 0, 'automatic', 1, %s, %s FROM tickets_ticket WHERE {condition}",
                [fallback, now, now],
            )
            added += cursor.rowcount
    return added


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def admin_client() -> Any:
    from django.test import Client

    from ticketdesk.accounts.models import Role, User

    admin, _ = User.objects.get_or_create(
        email=ADMIN_EMAIL,
        defaults={
            "full_name": "Bench Admin",
            "role": Role.ADMINISTRATOR,
            "is_staff": True,
            "is_superuser": True,
        },
    )
    client = Client()
    client.force_login(admin)
    return client


def timed(func: Callable[[], Any], *, rounds: int) -> tuple[float, float, int]:
    """Median and p95 in ms of `func` over `rounds` calls (after one warm-up), and its queries."""
    from django.db import connection

    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    # An execute wrapper, not CaptureQueriesContext: a request resets the query log it reads.
    with connection.execute_wrapper(count):
        func()
    seconds = []
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        seconds.append(time.perf_counter() - start)
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(seconds) * 1000, p95 * 1000, len(executed)


def _ok(response: Any, name: str) -> Any:
    # A fast error page is no result: every timed request must answer 200.
    if response.status_code != 200:
        raise AssertionError(f"{name}: HTTP {response.status_code} instead of 200")
    return response


def run(*, rounds: int, explain: bool) -> Iterator[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from ticketdesk.accounts.models import Team
    from ticketdesk.customers.models import Customer
    from ticketdesk.reports.customer import customer_report
    from ticketdesk.reports.query import MONTH, ReportQuery
    from ticketdesk.reports.sections import SECTIONS, build_report
    from ticketdesk.tickets.models import Ticket

    last = timezone.localdate()
    first = last.replace(year=last.year - 1) + datetime.timedelta(days=1)
    query = ReportQuery(first=first, last=last, period=MONTH)
    team = Team.objects.order_by("pk").first()
    team_query = ReportQuery(first=first, last=last, period=MONTH, teams=(team.pk,) if team else ())
    yield f"{connection.vendor}, {Ticket.objects.count()} tickets, {first} to {last}"
    worst = 0.0
    for slug in SECTIONS:
        timing = timed(lambda s=slug: build_report(s, query), rounds=rounds)
        worst = max(worst, timing[0])
        yield _line(f"report {slug}, one year", timing)
        timing = timed(lambda s=slug: build_report(s, team_query), rounds=rounds)
        yield _line(f"report {slug}, one year, one team", timing)
        if explain:
            with CaptureQueriesContext(connection) as capture:
                build_report(slug, query)
            yield from _plans(capture.captured_queries)
    customers = Customer.objects.count()
    if customers:
        customer = Customer.objects.order_by("pk")[customers // 2]
        customer_query = ReportQuery(first=first, last=last, customers=(customer.pk,))
        timing = timed(lambda: customer_report(customer, customer_query), rounds=rounds)
        yield _line("customer report, one year", timing)
    yield from _http(first, last, rounds=rounds)
    yield _verdict(worst)


def _http(first: datetime.date, last: datetime.date, *, rounds: int) -> Iterator[str]:
    """The JSON endpoints and the page through the middleware stack, as an administrator."""
    from django.urls import NoReverseMatch, reverse

    from ticketdesk.reports.sections import SECTIONS

    try:
        page = reverse("reports:index")
    except NoReverseMatch:
        yield "(reports URLs not mounted: HTTP timings skipped)"
        return
    client = admin_client()
    params = {"range": "custom", "from": first.isoformat(), "to": last.isoformat()}
    for slug in SECTIONS:
        url = reverse("reports:json", args=[slug])
        timing = timed(lambda u=url, s=slug: _ok(client.get(u, params), s), rounds=rounds)
        yield _line(f"GET {url}, one year", timing)
    timing = timed(lambda: _ok(client.get(page, params), "page"), rounds=max(1, rounds // 2))
    yield _line(f"GET {page} (every section and table), one year", timing)


def _line(name: str, timing: tuple[float, float, int]) -> str:
    median, p95, queries = timing
    return f"BENCH {name}: median {median:.1f} ms, p95 {p95:.1f} ms ({queries} queries)"


def _verdict(worst: float) -> str:
    state = "within" if worst <= TARGET_MS else "OVER"
    return f"slowest section {worst:.0f} ms: {state} the {TARGET_MS} ms target"


def _plans(captured: list[dict[str, str]]) -> Iterator[str]:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    for query in captured:
        with connection.cursor() as cursor:
            cursor.execute(prefix + query["sql"])
            yield "    " + " | ".join(str(row[-1]) for row in cursor.fetchall())[:800]


# --- `make bench` (pytest) -------------------------------------------------------------


@pytest.fixture(scope="session")
def report_volume(django_db_setup: Any, django_db_blocker: Any) -> int:
    with django_db_blocker.unblock():
        return ensure_data(DEFAULT_TICKETS)


@pytest.mark.django_db
def bench_reports_at_volume(report_volume: int) -> None:
    for line in run(rounds=5, explain=bool(os.environ.get("BENCH_EXPLAIN"))):
        print(line)


# --- standalone --------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=DEFAULT_TICKETS)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    add_database_arguments(parser, data_dir="var/bench-reports")
    args = parser.parse_args()

    set_up_django(args)
    ensure_data(args.tickets)
    for line in run(rounds=args.rounds, explain=args.explain):
        print(line, flush=True)


if __name__ == "__main__":
    main()
