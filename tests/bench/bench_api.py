"""Benchmark: the REST API at volume (targets: list page 1 ≤ 50 ms, create ≤ 20 ms).

Times, as an agent with a personal token over the real URL conf and middleware (Django's
test client, in process): page 1 of the ticket list endpoint in its default view and in
"all", page 2 by cursor, one ticket, and opening a ticket (create with the confirmation
mail queued; each created ticket is checked). Prints median, 95th percentile and queries.

Volume data comes from `ticketdesk.demo.generate`, as for bench_ticket_list.py.

With the other benchmarks (`make bench BENCH_ARGS="-k api"`): BENCH_TICKETS tickets in the
test database (default 200,000). Standalone, on a database kept between runs:

    .venv/bin/python tests/bench/bench_api.py --tickets 1000000 --data-dir var/bench-1m
    .venv/bin/python tests/bench/bench_api.py --tickets 1000000 \\
        --database-url postgres://postgres@127.0.0.1:5432/bench_1m
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.bench.bench_ticket_list import _analyze, ensure_tickets, time_requests  # noqa: E402
from tests.bench.standalone import add_database_arguments, set_up_django  # noqa: E402

DEFAULT_TICKETS = int(os.environ.get("BENCH_TICKETS", "200000"))
AGENT_EMAIL = "bench-api-agent@example.com"


def api_client() -> tuple[Any, dict[str, str]]:
    from django.conf import settings
    from django.test import Client

    from ticketdesk.accounts.models import Role, User
    from ticketdesk.api.services import create_token

    settings.API_RATE_LIMIT_PER_MINUTE = 1_000_000
    agent, _ = User.objects.get_or_create(
        email=AGENT_EMAIL,
        defaults={"full_name": "Bench API Agent", "role": Role.AGENT, "is_support_team": True},
    )
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {create_token(agent, name='bench')[1]}"}


def run(*, rounds: int) -> Iterator[str]:
    from django.core.signals import request_started
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from ticketdesk.customers.models import Customer
    from ticketdesk.tickets.models import Ticket

    client, auth = api_client()
    yield f"{connection.vendor}, {Ticket.objects.count()} tickets"
    # Each request would empty the query log at its start; the counts need it kept.
    request_started.disconnect(reset_queries)

    def get(path: str) -> Any:
        response = client.get(f"/api/v1{path}", **auth)
        if response.status_code != 200:
            raise AssertionError(f"{path}: HTTP {response.status_code}: {response.content[:200]}")
        return response

    first_all = get("/tickets?view=all").json()
    number = first_all["items"][0]["number"]
    cases = [
        ("list page 1, default view (open)", "/tickets"),
        ("list page 1, all", "/tickets?view=all"),
        ("list page 2, all (cursor)", f"/tickets?view=all&cursor={first_all['next_cursor']}"),
        ("list page 1, breached", "/tickets?sla=breached"),
        ("one ticket", f"/tickets/{number}"),
    ]
    for name, path in cases:
        with CaptureQueriesContext(connection) as capture:
            get(path)
        median, p95, _status = time_requests(lambda p=path: get(p), rounds=rounds)
        yield (
            f"BENCH api {name}: median {median:.1f} ms, p95 {p95:.1f} ms "
            f"(n={rounds}, {len(capture.captured_queries)} queries)"
        )

    customer = Customer.objects.order_by("pk").first()
    body = json.dumps({"customer": customer.pk, "subject": "Bench: no dial tone", "text": "Hi"})

    def create() -> Any:
        response = client.post("/api/v1/tickets", body, content_type="application/json", **auth)
        if response.status_code != 201:
            raise AssertionError(f"create: HTTP {response.status_code}: {response.content[:300]}")
        return response

    with CaptureQueriesContext(connection) as capture:
        create()
    median, p95, _status = time_requests(create, rounds=rounds)
    yield (
        f"BENCH api create ticket: median {median:.1f} ms, p95 {p95:.1f} ms "
        f"(n={rounds}, {len(capture.captured_queries)} queries)"
    )
    created = Ticket.objects.filter(subject="Bench: no dial tone")
    if created.count() != rounds + 2:
        raise AssertionError(f"{created.count()} tickets created, expected {rounds + 2}")
    created.delete()


# --- `make bench` (pytest) -------------------------------------------------------------


@pytest.fixture(scope="session")
def api_ticket_volume(django_db_setup: Any, django_db_blocker: Any) -> int:
    with django_db_blocker.unblock():
        return ensure_tickets(DEFAULT_TICKETS)


@pytest.mark.django_db
def bench_api_at_volume(api_ticket_volume: int) -> None:
    for line in run(rounds=20):
        print(line)


# --- standalone --------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=DEFAULT_TICKETS)
    parser.add_argument("--rounds", type=int, default=20)
    add_database_arguments(parser, data_dir="var/bench-list")
    args = parser.parse_args()

    set_up_django(args)
    ensure_tickets(args.tickets)
    _analyze()
    for line in run(rounds=args.rounds):
        print(line, flush=True)


if __name__ == "__main__":
    main()
