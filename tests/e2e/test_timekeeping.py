"""Browser: the timer runs while an agent has the ticket page open and stops when they leave.

The server's clock is moved with time-machine in the test process; the live server runs in
a thread of that process, so it reads the moved clock (time-machine leaves the monotonic
clock alone, so Playwright's and the server's timeouts go on in real time). The page sends
a heartbeat every second (TIMER_HEARTBEAT_SECONDS=1), so no test sleeps for minutes: the
clock jumps, and the next heartbeat arrives at the new server time.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable

from django.db import OperationalError
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings
from pytest_django.live_server_helper import LiveServer

from tests.accounts.factories import UserFactory
from tests.e2e.helpers import E2E, login
from tests.tickets.factories import TicketFactory
from ticketdesk.timekeeping.models import TimerStretch, TimeSegment, TimeSource

pytestmark = E2E

PASSWORD = "agent-password"


def _holds(condition: Callable[[], object]) -> bool:
    # The in-memory test database is in SQLite's shared-cache mode: a read while the live
    # server writes fails at once with "table is locked" instead of waiting. Ask again.
    try:
        return bool(condition())
    except OperationalError:
        return False


def wait_until(condition: Callable[[], object], *, timeout: float = 30.0) -> None:
    """Poll the database until `condition()` holds (the page works in real time)."""
    deadline = time.monotonic() + timeout
    while not _holds(condition):
        if time.monotonic() > deadline:
            raise AssertionError("the page did not get there in time")
        time.sleep(0.1)


def leave(page: Page, live_server: LiveServer) -> None:
    """Go to the ticket list and wait for the timer's "stop" to land.

    Otherwise the stop beacon of the closing page could reach the server while the test
    database is being flushed.
    """
    page.goto(f"{live_server.url}/tickets/")
    wait_until(lambda: not TimerStretch.objects.exists())


def test_the_timer_measures_the_visit_and_the_segment_appears(
    live_server: LiveServer, browser_page: Page, settings: Settings, time_machine
) -> None:
    settings.TIMER_HEARTBEAT_SECONDS = 1
    agent = UserFactory(email="anna@example.com", full_name="Anna Agent", password=PASSWORD)
    ticket = TicketFactory(by=agent, subject="VPN down")
    page = browser_page
    login(page, live_server, agent.email, PASSWORD)
    start = datetime.datetime.now(tz=datetime.UTC).replace(microsecond=0)

    def heard_at(seconds: int) -> Callable[[], bool]:
        moment = start + datetime.timedelta(seconds=seconds)
        return lambda: TimerStretch.objects.filter(
            ticket=ticket, agent=agent, last_heartbeat_at=moment
        ).exists()

    time_machine.move_to(start, tick=False)
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    wait_until(heard_at(0))
    expect(page.locator("[data-timer-label]")).to_contain_text("Your timer runs since")
    for seconds in (60, 120, 180):
        time_machine.move_to(start + datetime.timedelta(seconds=seconds), tick=False)
        wait_until(heard_at(seconds))
    assert TimerStretch.objects.get(ticket=ticket).started_at == start

    # Leaving the page ends the stretch (the "stop" beacon on pagehide): three minutes.
    leave(page, live_server)
    segment = TimeSegment.objects.get(ticket=ticket)
    assert (segment.agent, segment.started_at, segment.minutes) == (agent, start, 3)
    assert segment.source == TimeSource.AUTOMATIC
    assert not TimerStretch.objects.exists()

    # Back on the ticket the panel lists it (and a new stretch starts for the new visit).
    time_machine.move_to(start + datetime.timedelta(minutes=10), tick=False)
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    panel = page.locator("#ticket-time")
    expect(panel.locator("table.time-segments tbody tr")).to_have_count(1)
    expect(panel.locator("table.time-segments tbody tr")).to_contain_text("3 min")
    expect(panel.locator("[data-time-total]")).to_have_text("3 min")
    leave(page, live_server)


def test_an_agent_adds_corrects_and_deletes_time_on_the_ticket_page(
    live_server: LiveServer, browser_page: Page
) -> None:
    agent = UserFactory(email="bert@example.com", full_name="Bert Agent", password=PASSWORD)
    ticket = TicketFactory(by=agent, subject="Printer offline")
    page = browser_page
    login(page, live_server, agent.email, PASSWORD)
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    panel = page.locator("#ticket-time")

    panel.get_by_label("Minutes").fill("0")
    panel.get_by_role("button", name="Add time").click()
    expect(panel).to_contain_text("Enter a duration of at least one minute.")
    assert not TimeSegment.objects.exists()

    panel.get_by_label("Minutes").fill("1:30")
    panel.get_by_label("Comment").fill("Replaced the toner")
    panel.get_by_role("button", name="Add time").click()
    expect(panel).to_contain_text("Time added.")
    expect(panel.locator("[data-time-total]")).to_have_text("1:30 h")
    expect(page.locator("#ticket-timeline")).to_contain_text("Time added")

    panel.get_by_role("link", name="Correct").click()
    correction = panel.locator("form[action$='/edit/']")
    correction.get_by_label("Minutes").fill("45")
    correction.get_by_role("button", name="Save").click()
    expect(panel).to_contain_text("Time corrected.")
    expect(panel.locator("[data-time-total]")).to_have_text("45 min")

    page.once("dialog", lambda dialog: dialog.accept())
    panel.get_by_role("button", name="Delete").click()
    expect(panel).to_contain_text("Time deleted.")
    expect(panel).to_contain_text("No time logged yet.")
    assert not TimeSegment.objects.exists()
    leave(page, live_server)
