"""The new-ticket form through the HTTP client: plain POST, no-JS refreshes and htmx parts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tests.accounts.factories import TeamFactory, UserFactory
from tests.customers.factories import ContactFactory, CustomerFactory
from tests.tickets.factories import priority
from ticketdesk.tickets.forms import CONTACT_NOT_OF_CUSTOMER, NO_CUSTOMER_MATCH
from ticketdesk.tickets.models import SubCategory, Ticket, TicketTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages compared in the test are rendered in English, like the agents' pages."""
    with translation.override("en"):
        yield


NEW = "/tickets/new/"


@pytest.fixture
def agent_client(client):
    client.force_login(UserFactory(full_name="Anna Agent"))
    return client


@pytest.fixture
def customer():
    return CustomerFactory(name="Acme GmbH", number="K4711")


@pytest.fixture
def contact(customer):
    return ContactFactory(name="Eva Meier", customers=[customer])


def htmx(target: str) -> dict[str, str]:
    return {"HX-Request": "true", "HX-Target": target}


def form_data(customer, contact=None, **extra: object) -> dict[str, object]:
    return {
        "customer": customer.pk,
        "customer_query": customer.number,
        "requester": contact.pk if contact else "",
        "subject": "Printer offline",
        "description": "The printer on floor 2 is offline.",
        **extra,
    }


def test_customer_preset_from_the_customer_page_lists_its_contacts(
    agent_client, customer, contact
) -> None:
    ContactFactory(name="Someone Else")  # of another customer
    page = agent_client.get(NEW, {"customer": customer.pk}).content.decode()
    assert 'value="Acme GmbH (K4711)"' in page
    assert f'<option value="{contact.pk}" selected>Eva Meier' in page
    assert "Someone Else" not in page
    assert ">Customer</label>" in page
    assert ">Subject</label>" in page


def test_the_form_never_preloads_all_customers(agent_client) -> None:
    CustomerFactory.create_batch(30, name="Preloaded Customer")
    page = agent_client.get(NEW).content.decode()
    assert "Preloaded Customer" not in page
    assert 'hx-get="/customers/search/"' in page


def test_create_ticket_with_attachment(agent_client, customer, contact) -> None:
    upload = SimpleUploadedFile("photo.jpg", b"\xff\xd8jpeg", content_type="image/jpeg")
    response = agent_client.post(NEW, form_data(customer, contact, attachments=[upload]))
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tickets/{ticket.number}/"
    assert ticket.customer == customer
    assert ticket.requester == contact
    assert ticket.subject == "Printer offline"
    assert ticket.messages.get().text == "The printer on floor 2 is offline."
    attachment = ticket.attachments.get()
    assert attachment.name == "photo.jpg"
    assert attachment.size == 6


def test_customer_found_by_number_or_exact_name_without_javascript(agent_client, customer) -> None:
    agent_client.post(NEW, {"customer_query": "k4711", "subject": "By number"})
    agent_client.post(NEW, {"customer_query": "acme gmbh", "subject": "By name"})
    agent_client.post(NEW, {"customer_query": "Acme GmbH (K4711)", "subject": "Type-ahead"})
    assert set(Ticket.objects.values_list("subject", "customer")) == {
        ("By number", customer.pk),
        ("By name", customer.pk),
        ("Type-ahead", customer.pk),
    }


def test_invalid_form_re_renders_with_messages_and_keeps_the_input(agent_client) -> None:
    response = agent_client.post(
        NEW, {"customer_query": "Nobody Ltd", "subject": "", "description": "Keep me"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert str(NO_CUSTOMER_MATCH) % {"query": "Nobody Ltd"} in page
    assert "This field is required." in page
    assert 'value="Nobody Ltd"' in page
    assert "Keep me</textarea>" in page
    assert not Ticket.objects.exists()


def test_contact_of_another_customer_is_refused(agent_client, customer) -> None:
    stranger = ContactFactory(name="Stranger")
    response = agent_client.post(NEW, form_data(customer, stranger))
    assert str(CONTACT_NOT_OF_CUSTOMER) in response.content.decode()
    assert not Ticket.objects.exists()


def test_attachment_over_the_limit_is_refused_clearly(agent_client, customer, settings) -> None:
    settings.ATTACHMENT_MAX_BYTES = 4
    upload = SimpleUploadedFile("big.log", b"12345")
    response = agent_client.post(NEW, form_data(customer, attachments=[upload]))
    page = response.content.decode()
    assert "“big.log” is larger than the limit of 4\xa0bytes." in page
    assert "Please choose the attachments again." in page
    assert not Ticket.objects.exists()


def test_ticket_template_fills_subject_and_text_with_htmx(agent_client) -> None:
    template = TicketTemplate.objects.create(
        name="Router swap", subject="Swap router", body="Steps: 1. unplug"
    )
    response = agent_client.get(NEW, {"ticket_template": template.pk}, headers=htmx("new-text"))
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="new-text">')
    assert 'value="Swap router"' in page
    assert "Steps: 1. unplug</textarea>" in page


def test_ticket_created_from_template_without_javascript(agent_client, customer) -> None:
    template = TicketTemplate.objects.create(
        name="Router swap", subject="Swap router", body="Steps: 1. unplug"
    )
    data = form_data(customer, subject="", description="", ticket_template=template.pk)
    applied = agent_client.post(NEW, {**data, "apply_template": "1"}).content.decode()
    assert 'value="Swap router"' in applied
    assert not Ticket.objects.exists()
    agent_client.post(NEW, {**data, "subject": "Swap router", "description": "Steps: 1. unplug"})
    ticket = Ticket.objects.get()
    assert ticket.subject == "Swap router"
    assert ticket.messages.get().text == "Steps: 1. unplug"


def test_changing_the_customer_lists_its_contacts_with_htmx(
    agent_client, customer, contact
) -> None:
    response = agent_client.get(
        NEW, {"customer": "", "customer_query": "K4711"}, headers=htmx("new-requester")
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="new-requester"')
    assert f'name="customer" value="{customer.pk}"' in page
    assert "Eva Meier" in page


def test_no_js_show_contacts_lists_the_contacts(agent_client, customer, contact) -> None:
    page = agent_client.post(
        NEW, {"customer_query": "Acme GmbH", "show_contacts": "1"}
    ).content.decode()
    assert "Eva Meier" in page
    assert not Ticket.objects.exists()


def test_choosing_a_subcategory_preselects_priority_and_team(agent_client) -> None:
    team = TeamFactory(name="Network")
    sub = SubCategory.objects.get(name_en="Outage")
    sub.default_priority, sub.default_team = priority("Urgent"), team
    sub.save()
    response = agent_client.get(NEW, {"subcategory": sub.pk}, headers=htmx("new-defaults"))
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="new-defaults"')
    assert f'<option value="{priority("Urgent").pk}" selected>' in page
    assert f'<option value="{team.pk}" selected>Network</option>' in page


def test_subcategory_defaults_apply_when_priority_is_automatic(agent_client, customer) -> None:
    sub = SubCategory.objects.get(name_en="Outage")
    sub.default_priority = priority("Urgent")
    sub.save()
    agent_client.post(NEW, form_data(customer, subcategory=sub.pk))
    ticket = Ticket.objects.get()
    assert ticket.priority == priority("Urgent")
    assert ticket.category == sub.category


def test_assignee_choices_are_only_support_team_users(agent_client, customer) -> None:
    member = UserFactory(full_name="Sam Support")
    outsider = UserFactory(full_name="Olga Outsider", outsider=True)
    page = agent_client.get(NEW).content.decode()
    assert "Sam Support" in page
    assert "Olga Outsider" not in page
    response = agent_client.post(NEW, form_data(customer, assignee=outsider.pk))
    assert response.status_code == 200
    assert not Ticket.objects.exists()
    agent_client.post(NEW, form_data(customer, assignee=member.pk))
    assert Ticket.objects.get().assignee == member


def test_read_only_and_customer_users_cannot_open_tickets(client, customer) -> None:
    # Customer logins are kept out of the agent workspace: 404 while the portal is off.
    for user, refused in ((UserFactory(read_only=True), 403), (UserFactory(customer=True), 404)):
        client.force_login(user)
        assert client.get(NEW).status_code == refused
        assert client.post(NEW, form_data(customer)).status_code == refused
    assert not Ticket.objects.exists()


ODD_IDS = ["abc", "99999999999999999999", "-1", "0", "1\x00", "²", " ", "9" * 400]


@pytest.mark.parametrize("value", ODD_IDS)
def test_malformed_ids_in_the_query_are_ignored(agent_client, value) -> None:
    for key in ("customer", "ticket_template", "subcategory", "requester"):
        for target in ("", "new-requester", "new-defaults", "new-text"):
            headers = htmx(target) if target else {}
            response = agent_client.get(NEW, {key: value}, headers=headers)
            assert response.status_code == 200, (key, target)


@pytest.mark.parametrize("value", ODD_IDS)
def test_malformed_ids_in_the_form_are_ignored_or_refused(agent_client, customer, value) -> None:
    data = {"customer_query": customer.number, "subject": "Odd", "ticket_template": value}
    refreshed = agent_client.post(NEW, {**data, "customer": value, "apply_template": "1"})
    assert refreshed.status_code == 200
    response = agent_client.post(NEW, {**data, "customer": value, "ticket_template": ""})
    if "\x00" in value:  # refused by the field, like any NUL in a form
        assert response.status_code == 200
        assert not Ticket.objects.exists()
    else:  # ignored: the customer typed in decides
        assert response.status_code == 302
        assert Ticket.objects.get().customer == customer
    opened = Ticket.objects.count()
    invalid = agent_client.post(NEW, {**data, "requester": value, "priority": value})
    assert invalid.status_code == 200
    assert Ticket.objects.count() == opened
