"""Browser: an agent opens Reports, changes the date range, sees chart and table change, and
downloads a section's CSV; the page also works at phone width."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re

import time_machine
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.accounts.factories import TeamFactory, UserFactory
from tests.customers.factories import CustomerFactory
from tests.e2e.helpers import E2E, login
from tests.tickets.factories import TicketFactory
from ticketdesk.tickets import services

pytestmark = E2E


def open_tickets(agent, customer, team, starts: list[datetime.datetime]) -> None:
    for start in starts:
        with time_machine.travel(start, tick=False):
            ticket = TicketFactory(by=agent, customer=customer, team=team, assignee=agent)
        with time_machine.travel(start + datetime.timedelta(hours=1), tick=False):
            services.add_reply(ticket, by=agent, text="Done.", notify_requester=False)
            services.close_ticket(ticket, by=agent)


def expect_opened_total(page: Page, count: str) -> None:
    row = page.locator("#section-distribution tbody[data-dimension='total'] tr").nth(1)
    expect(row.locator("td").first).to_have_text(count)


def expect_chart_points(page: Page, section: str, points: list) -> None:
    """The section's chart is drawn with `points` as its first data set (waits for it)."""
    expect(page.locator(f"#section-{section} canvas")).to_have_attribute(
        "data-chart-state", "drawn"
    )
    page.wait_for_function(
        """([selector, expected]) => {
            const chart = window.Chart.getChart(document.querySelector(selector));
            return chart && JSON.stringify(chart.data.datasets[0].data) === expected;
        }""",
        arg=[f"#section-{section} canvas", json.dumps(points)],
    )


def test_agent_changes_the_range_and_downloads_the_csv(
    live_server: LiveServer, browser_page: Page
) -> None:
    agent = UserFactory(
        email="agent@example.com", password="agent-password", language="en", full_name="Ann"
    )
    team = TeamFactory(name="Hotline")
    agent.teams.add(team)
    customer = CustomerFactory(name="Acme")
    utc = datetime.UTC
    open_tickets(agent, customer, team, [datetime.datetime(2025, 1, 7, 9, tzinfo=utc)] * 2)
    open_tickets(
        agent, customer, team, [datetime.datetime(2025, 3, d, 9, tzinfo=utc) for d in (4, 5, 6)]
    )
    page = browser_page
    refused: list[str] = []
    page.on("console", lambda message: "Refused" in message.text and refused.append(message.text))
    page.on("pageerror", lambda error: refused.append(str(error)))

    login(page, live_server, "agent@example.com", "agent-password")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()

    page.select_option("#report-range", "custom")
    page.fill("#report-from", "2025-03-01")
    page.fill("#report-to", "2025-03-31")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"from=2025-03-01"))
    expect(page.locator("#section-distribution")).to_contain_text("Ann")
    expect_opened_total(page, "3")
    expect_chart_points(page, "distribution", [3])  # tickets opened by Ann

    page.fill("#report-from", "2025-01-01")
    page.fill("#report-to", "2025-01-31")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"from=2025-01-01"))
    expect_opened_total(page, "2")
    expect_chart_points(page, "distribution", [2])
    backlog = page.locator("#section-backlog canvas")
    expect(backlog).to_have_attribute("data-chart-state", "drawn")

    with page.expect_download() as download_info:
        page.locator("#section-distribution [data-csv-link]").click()
    download = download_info.value
    assert download.suggested_filename == "report-distribution-2025-01-01-2025-01-31.csv"
    text = download.path().read_text(encoding="utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][:4] == ["Dimension", "Key", "Name", "Opened"]
    assert lines[-1][:5] == ["Total", "", "All tickets", "2", "2"]
    # Chart.js under the strict CSP: no refused script or style, no script error.
    assert refused == []


def test_reports_fit_a_phone_screen(live_server: LiveServer, browser_page: Page) -> None:
    agent = UserFactory(email="agent@example.com", password="agent-password", language="en")
    customer = CustomerFactory()
    open_tickets(agent, customer, None, [datetime.datetime(2025, 3, 4, 9, tzinfo=datetime.UTC)])
    page = browser_page
    page.set_viewport_size({"width": 375, "height": 800})
    login(page, live_server, "agent@example.com", "agent-password")
    page.goto(f"{live_server.url}/reports/?range=custom&from=2025-03-01&to=2025-03-31")
    expect(page.locator("#section-performance canvas")).to_have_attribute(
        "data-chart-state", "drawn"
    )
    # The wide tables scroll inside their own box; the page itself does not.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    box = page.locator("#section-performance .report-table")
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")
    canvas_width = page.locator("#section-performance canvas").bounding_box()["width"]
    assert 200 < canvas_width <= 375
