"""Browser: an agent works a ticket on its page, and sees the page in German."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.accounts.factories import UserFactory
from tests.customers.factories import ContactFactory, CustomerFactory
from tests.e2e.helpers import E2E, login
from tests.tickets.factories import TicketFactory
from ticketdesk.tickets.models import Message, MessageKind, TicketEvent

pytestmark = E2E

PASSWORD = "agent-password"


def open_ticket(agent_email: str = "anna@example.com"):
    agent = UserFactory(email=agent_email, full_name="Anna Agent", password=PASSWORD)
    customer = CustomerFactory(name="Acme GmbH")
    contact = ContactFactory(name="Eva Meier", customers=[customer])
    ticket = TicketFactory(customer=customer, requester=contact, subject="VPN down", by=agent)
    return agent, ticket


def test_agent_accepts_edits_replies_notes_and_assigns(
    live_server: LiveServer, browser_page: Page
) -> None:
    agent, ticket = open_ticket()
    UserFactory(full_name="Sam Support")
    UserFactory(full_name="Olga Outsider", outsider=True)
    page = browser_page
    login(page, live_server, agent.email, PASSWORD)
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    assignment = page.locator("#ticket-assignment")

    # Accept: the ticket is claimed and the button goes away.
    page.get_by_role("button", name="Accept", exact=True).click()
    expect(assignment).to_contain_text("Assigned to Anna Agent")
    expect(page.get_by_role("button", name="Accept", exact=True)).to_have_count(0)

    # Priority and status changed together, saved with one "Save": one change-set.
    page.get_by_label("Priority", exact=True).select_option(label="High")
    page.get_by_label("Status", exact=True).select_option(label="Report")
    page.get_by_role("button", name="Save", exact=True).click()
    change_line = page.locator("#ticket-timeline li.event").filter(
        has_text="Priority: Normal → High"
    )
    expect(change_line).to_contain_text("Status: In progress → Report")
    priority_change = TicketEvent.objects.get(ticket=ticket, field="priority")
    assert set(
        TicketEvent.objects.filter(changeset=priority_change.changeset).values_list(
            "field", flat=True
        )
    ) == {"priority", "status"}

    # Reply with a template, edited before sending.
    page.get_by_label("Reply template", exact=True).select_option(label="Gelöst / Solved")
    text = page.locator("#reply-text")
    expect(text).to_have_value(re.compile(f'Ihr Ticket {ticket.reference} "VPN down" ist gelöst'))
    text.fill(text.input_value().replace("ist gelöst.", "ist gelöst: Router getauscht."))
    page.get_by_role("button", name="Send reply", exact=True).click()
    reply = page.locator("#ticket-timeline li.reply")
    expect(reply).to_contain_text("ist gelöst: Router getauscht.")
    expect(reply).to_contain_text("Hallo Eva Meier")

    # An internal note, shown differently from replies.
    page.locator("#reply-text").fill("Called Eva, router works again.")
    page.get_by_role("button", name="Add note", exact=True).click()
    expect(page.locator("#ticket-timeline li.note")).to_contain_text("router works again")
    assert Message.objects.get(ticket=ticket, kind=MessageKind.NOTE).text.startswith("Called Eva")

    # Assign through the dropdown, which lists only Support-team users.
    dropdown = page.get_by_label("Assignee", exact=True)
    options = dropdown.locator("option").all_inner_texts()
    assert "Sam Support" in options
    assert "Olga Outsider" not in options
    dropdown.select_option(label="Sam Support")
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(assignment).to_contain_text("Assigned to Sam Support")
    ticket.refresh_from_db()
    assert ticket.assignee.full_name == "Sam Support"


def test_agent_switches_to_german_and_sees_annehmen(
    live_server: LiveServer, browser_page: Page
) -> None:
    agent, ticket = open_ticket()
    page = browser_page
    login(page, live_server, agent.email, PASSWORD)
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    expect(page.get_by_role("button", name="Accept", exact=True)).to_be_visible()

    page.goto(f"{live_server.url}/accounts/profile/")
    page.locator("#id_language").select_option("de")
    page.locator("main form button[type=submit]").click()
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    expect(page.get_by_role("button", name="Annehmen", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Speichern", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Antwort senden", exact=True)).to_be_visible()
    expect(page.get_by_label("Priorität", exact=True)).to_be_visible()
