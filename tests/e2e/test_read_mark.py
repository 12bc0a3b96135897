"""Browser: an unread ticket page marks itself read by POST once loaded; the GET writes nothing."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.accounts.factories import UserFactory
from tests.e2e.helpers import E2E, login
from tests.tickets.factories import TicketFactory
from ticketdesk.tickets import services
from ticketdesk.tickets.models import TicketReadMark

pytestmark = E2E

PASSWORD = "agent-password"


def test_opening_an_unread_ticket_clears_its_marker_in_the_list(
    live_server: LiveServer, browser_page: Page
) -> None:
    agent = UserFactory(email="anna@example.com", password=PASSWORD)
    ticket = TicketFactory(by=agent, subject="Printer offline")
    services.add_customer_message(ticket, text="Still offline", contact=ticket.requester)
    page = browser_page
    login(page, live_server, agent.email, PASSWORD)
    page.goto(f"{live_server.url}/tickets/?view=all")
    expect(page.locator("tr.unread")).to_have_count(1)

    with page.expect_response(lambda r: r.url.endswith(f"/tickets/{ticket.number}/read/")) as read:
        page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    assert read.value.status == 204
    assert read.value.request.method == "POST"
    ticket.refresh_from_db()
    mark = TicketReadMark.objects.get(ticket=ticket, user=agent)
    assert mark.seen_at == ticket.last_customer_message_at

    page.goto(f"{live_server.url}/tickets/?view=all")
    expect(page.locator("tr", has_text="Printer offline")).to_have_count(1)
    expect(page.locator("tr.unread")).to_have_count(0)
