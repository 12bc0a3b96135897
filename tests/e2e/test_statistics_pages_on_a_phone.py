"""The statistics pages at 375 px: the dashboard, the ticket page with its SLA targets,
the ticket list with the SLA column and the business-hours configuration, in both languages."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from tests.accounts.factories import UserFactory
from tests.e2e.helpers import E2E, login
from tests.tickets.factories import TicketFactory

pytestmark = E2E
PASSWORD = "admin-password"


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize(
    "path", ["/", "/tickets/{number}/", "/tickets/", "/config/support/business-hours/"]
)
def test_page_fits_a_phone_screen(
    live_server: LiveServer, browser_page: Page, path: str, language: str
) -> None:
    # A long name makes the widest assignee choice in the list's bulk bar (the layout must
    # hold whatever names the team has).
    admin = UserFactory(
        admin=True,
        email="admin@example.com",
        password=PASSWORD,
        language=language,
        full_name="Maximiliane Sophie von Hohenzollern-Sigmaringen",
    )
    ticket = TicketFactory(by=admin)
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 740})
    login(page, live_server, admin.email, PASSWORD)
    page.goto(live_server.url + path.format(number=ticket.number))
    assert page.locator("html").get_attribute("lang") == language
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('main *')]"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1"
        " && !e.closest('.table-wrap')).map(e => e.tagName + '.' + e.className)"
    )
    assert overflow <= 0, wide
