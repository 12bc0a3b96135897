"""Browser: an agent finds a customer and opens a ticket through its "New ticket" button."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.accounts.factories import UserFactory
from tests.customers.factories import ContactFactory, CustomerFactory
from tests.e2e.helpers import E2E, login
from ticketdesk.tickets.models import Ticket

pytestmark = E2E

PASSWORD = "agent-password"


def test_agent_opens_a_ticket_from_the_customer_page(
    live_server: LiveServer, browser_page: Page
) -> None:
    agent = UserFactory(email="anna@example.com", full_name="Anna Agent", password=PASSWORD)
    customer = CustomerFactory(number="K-4711", name="Acme GmbH")
    ContactFactory(name="Eva Meier", customers=[customer])
    CustomerFactory(name="Other Corp")
    page = browser_page
    login(page, live_server, agent.email, PASSWORD)

    # The list filters as the agent types (htmx), then the record opens.
    page.goto(f"{live_server.url}/customers/")
    page.get_by_label("Search customers").fill("acme")
    results = page.locator("#customer-results")
    expect(results).not_to_contain_text("Other Corp")
    expect(page).to_have_url(re.compile(r"q=acme"))
    results.get_by_role("link", name="Acme GmbH").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Acme GmbH")

    # The ticket icon button opens the new-ticket form with this customer preset.
    page.get_by_role("link", name="New ticket", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/tickets/new/\?customer={customer.pk}$"))
    expect(page.get_by_label("Customer", exact=True)).to_have_value(re.compile("Acme GmbH"))
    page.get_by_label("Subject", exact=True).fill("Router does not boot")
    page.get_by_label("Description", exact=True).fill("Power LED blinks red.")
    with page.expect_navigation():
        page.get_by_role("button", name="Open ticket").click()

    ticket = Ticket.objects.get(subject="Router does not boot")
    assert ticket.customer == customer
    expect(page).to_have_url(re.compile(rf"/tickets/{ticket.number}/$"))

    # Back on the record, the new ticket is listed.
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    expect(page.get_by_role("link", name="Router does not boot")).to_be_visible()


@pytest.mark.parametrize(
    "path", ["/customers/", "/customers/{pk}/", "/config/users/", "/config/support/statuses/"]
)
def test_pages_fit_a_phone_screen(live_server: LiveServer, browser_page: Page, path: str) -> None:
    admin = UserFactory(admin=True, email="admin@example.com", password=PASSWORD)
    customer = CustomerFactory(name="Acme GmbH", street="A very long street name 12345")
    ContactFactory(customers=[customer])
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 740})
    login(page, live_server, admin.email, PASSWORD)
    page.goto(live_server.url + path.format(pk=customer.pk))
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('main *')]"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1"
        " && !e.closest('.table-wrap')).map(e => e.tagName + '.' + e.className)"
    )
    assert overflow <= 0, wide
