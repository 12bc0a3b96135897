"""Suite-wide fixtures and the rules for tests that need PostgreSQL or Chromium."""

from __future__ import annotations

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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.db import connection

    on_postgres = connection.vendor == "postgresql"
    has_chromium = Path(CHROMIUM).exists() and shutil.which(CHROMIUM) is not None
    if IN_CI and not has_chromium and any("e2e" in item.keywords for item in items):
        raise pytest.UsageError(f"CI=true but Chromium is missing at {CHROMIUM}")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(
                pytest.mark.skip(reason="runs in the PostgreSQL pass (DATABASE_URL=postgres://...)")
            )
        if "e2e" in item.keywords and not has_chromium:
            item.add_marker(pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}"))


@pytest.fixture
def smtp_server(settings: Settings) -> Iterator[SmtpSink]:
    """A real SMTP server on a free loopback port; the default mailer sends to it."""
    with SmtpSink() as sink:
        settings.MAILERS = {**settings.MAILERS, "default": sink.mailer()}
        yield sink
