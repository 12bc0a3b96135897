"""Fixtures for the IMAP tests: a Dovecot server per test session, a fresh account per test."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.utils import translation

from .dovecot import Account, DovecotServer, dovecot_version

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    """Dovecot on loopback; when missing, skipped locally and an error under CI=true."""
    if dovecot_version() is None:
        message = "dovecot is not installed (apt-get install dovecot-imapd)"
        if IN_CI:
            pytest.fail(f"CI=true: {message}")
        pytest.skip(message)
    with DovecotServer() as server:
        yield server


@pytest.fixture
def imap_account(dovecot: DovecotServer) -> Account:
    """A new user with an empty INBOX on the shared server."""
    return dovecot.add_account()


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages and command output are asserted in English, whatever LANGUAGE_CODE says."""
    with translation.override("en"):
        yield
