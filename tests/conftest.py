"""Suite-wide fixtures and the rules for tests that need PostgreSQL or Chromium."""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from tests.smtp_sink import SmtpSink

# Media and mail files written by tests go to a throw-away data directory.
os.environ.setdefault("TICKETDESK_DATA_DIR", tempfile.mkdtemp(prefix="ticketdesk-test-"))

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
POSTGRES_ONLY = pytest.StashKey[int]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.db import connection

    on_postgres = connection.vendor == "postgresql"
    has_chromium = Path(CHROMIUM).exists() and shutil.which(CHROMIUM) is not None
    if IN_CI and not has_chromium and any("e2e" in item.keywords for item in items):
        raise pytest.UsageError(f"CI=true but Chromium is missing at {CHROMIUM}")
    postgres_only = [item for item in items if "postgres" in item.keywords and not on_postgres]
    if postgres_only:
        # Not skipped but left out, said once after collection: they run in the
        # PostgreSQL pass, and under CI=true a skipped test would hide a missing one.
        config.hook.pytest_deselected(items=postgres_only)
        left_out = set(postgres_only)
        items[:] = [item for item in items if item not in left_out]
        config.stash[POSTGRES_ONLY] = len(postgres_only)
    for item in items:
        if "e2e" in item.keywords and not has_chromium:
            item.add_marker(pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}"))


def pytest_report_collectionfinish(config: pytest.Config) -> str | None:
    left_out = config.stash.get(POSTGRES_ONLY, 0)
    if not left_out:
        return None
    return (
        f"{left_out} PostgreSQL-only tests deselected on SQLite; "
        "they run with DATABASE_URL=postgres://..."
    )


@pytest.fixture
def smtp_server(settings: Settings) -> Iterator[SmtpSink]:
    """A real SMTP server on a free loopback port; the default mailer sends to it."""
    with SmtpSink() as sink:
        settings.MAILERS = {**settings.MAILERS, "default": sink.mailer()}
        yield sink


@pytest.fixture(autouse=True)
def default_lists_after_flush(request: pytest.FixtureRequest) -> None:
    """Give transactional tests the default statuses, priorities and categories.

    Transactional tests (live_server, transaction=True) end with a flush that
    also removes the rows of the data migration; later ones would start
    without any status. The migration's own function puts them back.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = "live_server" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction", False)
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    defaults = importlib.import_module("ticketdesk.tickets.migrations.0002_default_lists")
    defaults.create_defaults(apps, None)
    waiting = importlib.import_module(
        "ticketdesk.tickets.migrations.0007_status_waits_for_customer"
    )
    waiting.answer_waits_for_customer(apps, None)
    pauses = importlib.import_module(
        "ticketdesk.tickets.migrations.0009_sla_pause_and_billable_time"
    )
    pauses.pause_while_waiting(apps, None)
    targets = importlib.import_module(
        "ticketdesk.tickets.migrations.0012_backfill_sla_and_durations"
    )
    targets.business_hour_targets(apps, None)
    hours = importlib.import_module("ticketdesk.sla.migrations.0002_default_business_hours")
    hours.create_default_business_hours(apps, None)


@pytest.fixture(autouse=True)
def fresh_config_cache() -> Iterator[None]:
    """Each test reads configuration anew: a test's rows vanish with its rollback or flush,
    and rollbacks send no signal that would tell the configuration cache."""
    from ticketdesk.core import config_cache

    config_cache.clear()
    yield
    config_cache.clear()


@pytest.fixture(autouse=True)
def english_in_test_code() -> Iterator[None]:
    """Strings built in test code are English, as the factories' users read them.

    Requests still run in the language of their user or browser; tests that
    check German switch explicitly.
    """
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """The test's database connection stays open across direct WSGI calls (tests/connections)."""
    from tests.connections import keeping_test_connection

    with keeping_test_connection():
        yield
