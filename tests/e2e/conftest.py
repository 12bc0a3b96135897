"""Browser fixtures: Debian's Chromium driven by Playwright (never `playwright install`)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.conftest import CHROMIUM

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEFAULT_TIMEOUT_MS = 10_000


class OneRequestAtATime:
    """WSGI wrapper that lets one request at a time reach the application.

    On SQLite the test database lives in memory in SQLite's shared-cache mode, where a
    connection that meets another's table lock fails at once with "database table is
    locked" (the busy timeout does not apply). A page that fetches several JSON
    endpoints at once (the reports' charts) made one of them fail now and then on a
    loaded machine. Browsers keep connections alive, so the lock is held per request,
    not per connection; the response is read to the end inside it because the body may
    still query.
    """

    def __init__(self, app: Callable) -> None:
        self.app = app
        self.lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        with self.lock:
            response = self.app(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                close = getattr(response, "close", None)
                if close is not None:
                    close()


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """pytest-django's live server; on SQLite it serves requests one after the other
    (PostgreSQL takes concurrent requests as in production)."""
    from django.db import connection

    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    if connection.vendor == "sqlite":
        static_handler = server.thread.static_handler
        server.thread.static_handler = lambda app: OneRequestAtATime(static_handler(app))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    # Playwright's sync API runs an event loop in the test thread; Django's ORM calls
    # made from the test itself (factories, assertions) would otherwise be refused.
    # Set only while browsers run, so other tests and their child processes never see it.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture
def browser_page(browser: Browser) -> Iterator[Page]:
    """A fresh page in its own context (no cookies shared between tests), English UI."""
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    yield page
    # Leave the page while the test's database is still open: the ticket page's timer
    # sends its stop beacon on pagehide, and a request the live server handled after
    # the test's flush would find the database closed to it.
    for open_page in context.pages:
        open_page.goto("about:blank")
    page.wait_for_timeout(500)
    context.close()
