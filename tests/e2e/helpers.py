"""Steps shared by browser tests."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

# Marks for a browser test module: `pytestmark = E2E`. The live server runs in
# another thread, so the test data must be committed (transaction=True); the
# serialized rollback restores the default statuses and priorities that the
# data migration wrote, which the flush after each such test would remove.
E2E = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page: Page, live_server: LiveServer, email: str, password: str) -> None:
    """Sign in through the real login form and wait for the page it leads to."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    if page.url.rstrip("/").endswith("/accounts/login"):
        raise AssertionError(f"login as {email} failed")
