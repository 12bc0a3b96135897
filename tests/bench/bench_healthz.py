"""Baseline: one request through the whole middleware stack and a database round trip."""

from __future__ import annotations

import pytest
from django.test import Client

from .conftest import Bench


@pytest.mark.django_db
def bench_health_check(client: Client, bench: Bench) -> None:
    timing = bench("GET /healthz", lambda: client.get("/healthz"), rounds=200)

    assert timing.median_ms < 50
