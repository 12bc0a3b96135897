"""Baseline: /healthz through the whole middleware stack (database, disk probe, heartbeat)."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from ticketdesk.core.workers import Heartbeat

from .conftest import Bench


@pytest.mark.django_db
def bench_health_check(client: Client, bench: Bench, settings: Settings) -> None:
    # Every check runs, the worker's too: a heartbeat as the worker writes it.
    settings.WORKER_HEARTBEAT_STALE_SECONDS = 120
    Heartbeat().beat()

    timing = bench(
        "GET /healthz",
        lambda: client.get("/healthz"),
        rounds=200,
        check=lambda response: response.content == b"database: ok\ndisk: ok\nworker: ok\n",
    )

    assert timing.median_ms < 50
