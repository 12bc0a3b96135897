"""Browser: an agent signs in and sorts the ticket list by clicking column headers."""

from __future__ import annotations

import datetime
import re

import time_machine
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.accounts.factories import UserFactory
from tests.customers.factories import CustomerFactory
from tests.e2e.helpers import E2E, login
from tests.tickets.factories import TicketFactory, priority

pytestmark = E2E

START = datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)


def subjects(page: Page) -> list[str]:
    return page.locator("#ticket-table tbody td.subject").all_inner_texts()


def sort_by(page: Page, header: str, direction: str) -> None:
    page.locator("#ticket-table thead").get_by_role("link", name=header, exact=True).click()
    expect(page.locator(f"#ticket-table th[aria-sort='{direction}']")).to_have_text(
        re.compile(header)
    )


def test_agent_sorts_the_list_by_priority_and_opened(
    live_server: LiveServer, browser_page: Page
) -> None:
    agent = UserFactory(email="agent@example.com", password="agent-password", language="en")
    customer = CustomerFactory()
    for hours, (subject, name) in enumerate(
        [("normal", "Normal"), ("urgent", "Urgent"), ("low", "Low"), ("high", "High")]
    ):
        with time_machine.travel(START + datetime.timedelta(hours=hours), tick=False):
            TicketFactory(subject=subject, priority=priority(name), customer=customer, by=agent)
    page = browser_page

    login(page, live_server, "agent@example.com", "agent-password")
    page.goto(f"{live_server.url}/tickets/")
    assert subjects(page) == ["high", "low", "urgent", "normal"]

    sort_by(page, "Priority", "ascending")
    assert subjects(page) == ["low", "normal", "high", "urgent"]
    expect(page).to_have_url(re.compile(r"sort=priority"))
    sort_by(page, "Priority", "descending")
    assert subjects(page) == ["urgent", "high", "normal", "low"]
    expect(page).to_have_url(re.compile(r"sort=-priority"))

    sort_by(page, "Opened", "ascending")
    assert subjects(page) == ["normal", "urgent", "low", "high"]
    sort_by(page, "Opened", "descending")
    assert subjects(page) == ["high", "low", "urgent", "normal"]

    page.go_back()
    expect(page).to_have_url(re.compile(r"sort=opened"))
    expect(page.locator("#ticket-table th[aria-sort='ascending']")).to_have_text(
        re.compile("Opened")
    )
    assert subjects(page) == ["normal", "urgent", "low", "high"]


def test_filter_applies_on_change_and_stays_in_the_url(
    live_server: LiveServer, browser_page: Page
) -> None:
    agent = UserFactory(email="agent@example.com", password="agent-password", language="en")
    customer = CustomerFactory()
    TicketFactory(subject="calm", customer=customer, by=agent)
    TicketFactory(subject="burning", priority=priority("Urgent"), customer=customer, by=agent)
    page = browser_page
    login(page, live_server, "agent@example.com", "agent-password")
    page.goto(f"{live_server.url}/tickets/")
    assert sorted(subjects(page)) == ["burning", "calm"]

    filters = page.get_by_role("search", name="Filter tickets")
    filters.get_by_label("Priority", exact=True).select_option(label="Urgent")
    expect(page).to_have_url(re.compile(r"priority=\d+"))
    expect(page.locator("#ticket-table tbody td.subject")).to_have_text(["burning"])

    page.go_back()
    expect(page.locator("#ticket-table tbody td.subject")).to_have_count(2)
