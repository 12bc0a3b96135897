"""Customer list, record page, create/edit of customers, contacts and support notes."""

from __future__ import annotations

import html
import re

import pytest

from tests.accounts.factories import UserFactory
from tests.customers.factories import ContactFactory, CustomerFactory, SupportNoteFactory
from tests.tickets.factories import TicketFactory
from ticketdesk.customers.models import Contact, Customer, SupportNote

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_agent_creates_customer(client, agent) -> None:
    response = client.post(
        "/customers/new/",
        {"number": "K-1", "name": "Acme GmbH", "kind": "company", "language": "de"},
    )
    customer = Customer.objects.get(number="K-1")
    assert response.status_code == 302
    assert response.url == f"/customers/{customer.pk}/"
    assert customer.name == "Acme GmbH"


def test_duplicate_customer_number_is_refused(client, agent) -> None:
    CustomerFactory(number="K-1")
    response = client.post(
        "/customers/new/", {"number": "K-1", "name": "Other", "kind": "company", "language": "de"}
    )
    assert response.status_code == 200
    assert Customer.objects.filter(number="K-1").count() == 1
    assert response.context["form"].errors["number"]


def test_agent_edits_customer(client, agent) -> None:
    customer = CustomerFactory(name="Old name")
    data = {"number": customer.number, "name": "New name", "kind": "person", "language": "en"}
    data["city"] = "Berlin"
    response = client.post(f"/customers/{customer.pk}/edit/", data)
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.name, customer.kind, customer.city) == ("New name", "person", "Berlin")


def test_read_only_user_sees_customer_but_cannot_change_it(client) -> None:
    client.force_login(UserFactory(read_only=True))
    customer = CustomerFactory()
    page = client.get(f"/customers/{customer.pk}/")
    assert page.status_code == 200
    assert b"New ticket" not in page.content
    assert client.get(f"/customers/{customer.pk}/edit/").status_code == 403
    assert client.post("/customers/new/", {"number": "X", "name": "X"}).status_code == 403
    assert client.get("/customers/import/").status_code == 403


def test_portal_customer_cannot_open_customer_pages(client) -> None:
    client.force_login(UserFactory(customer=True))
    # Customer logins are kept out of the agent workspace: 404 while the portal is off.
    assert client.get("/customers/").status_code == 404
    assert client.get("/customers/search/?q=a").status_code == 404


def test_customer_list_searches_by_name_and_number(client, agent) -> None:
    CustomerFactory(number="K-100", name="Alpha Telecom")
    CustomerFactory(number="K-200", name="Beta Networks")
    content = client.get("/customers/?q=alpha").content.decode()
    assert "Alpha Telecom" in content
    assert "Beta Networks" not in content
    assert "Beta Networks" in client.get("/customers/?q=K-200").content.decode()


def test_customer_list_sorts_by_column_both_ways(client, agent) -> None:
    CustomerFactory(number="K-1", name="Zeta", city="Aachen")
    CustomerFactory(number="K-2", name="Alpha", city="Zwickau")

    def names(query: str) -> list[str]:
        return [c.name for c in client.get(f"/customers/?{query}").context["page"]]

    assert names("") == ["Alpha", "Zeta"]
    assert names("sort=-name") == ["Zeta", "Alpha"]
    assert names("sort=city") == ["Zeta", "Alpha"]
    assert names("sort=-city") == ["Alpha", "Zeta"]
    assert names("sort=bogus") == ["Alpha", "Zeta"]
    html = client.get("/customers/?sort=name").content.decode()
    assert 'aria-sort="ascending"' in html
    assert "sort=-name" in html


def test_customer_list_htmx_answers_with_the_results_fragment(client, agent) -> None:
    CustomerFactory(name="Alpha Telecom")
    response = client.get("/customers/?q=alpha", headers={"HX-Request": "true"})
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="customer-results">')
    assert "Alpha Telecom" in content
    assert "<html" not in content


def test_customer_list_paginates_with_fixed_queries(
    client, agent, django_assert_max_num_queries
) -> None:
    CustomerFactory.create_batch(55)
    with django_assert_max_num_queries(8):
        first = client.get("/customers/")
    assert len(first.context["page"]) == 50
    assert 'rel="next"' in first.content.decode()
    assert len(client.get("/customers/?page=2").context["page"]) == 5


def test_customer_page_lists_tickets_and_offers_new_ticket(client, agent) -> None:
    customer = CustomerFactory()
    ticket = TicketFactory(customer=customer, subject="Router is down")
    TicketFactory(subject="Someone else's problem")
    content = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "Router is down" in content
    assert ticket.reference in content
    assert "Someone else" not in content
    assert f'href="/tickets/new/?customer={customer.pk}"' in content
    assert "<span>New ticket</span>" in content
    list_url = re.search(r'href="(/tickets/\?customer=[^"]+)"', content).group(1)
    listed = client.get(html.unescape(list_url)).content.decode()
    assert "Router is down" in listed
    assert "Someone else" not in listed


def test_customer_page_shows_latest_50_tickets_with_fixed_queries(
    client, agent, django_assert_max_num_queries
) -> None:
    customer = CustomerFactory()
    TicketFactory.create_batch(52, customer=customer)
    ContactFactory.create_batch(3, customers=[customer])
    SupportNoteFactory.create_batch(3, customer=customer)
    with django_assert_max_num_queries(10):
        response = client.get(f"/customers/{customer.pk}/")
    assert len(response.context["tickets"]) == 50
    assert "Showing the latest 50 tickets." in response.content.decode()


def test_contact_is_created_for_the_customer(client, agent) -> None:
    customer = CustomerFactory()
    response = client.post(
        f"/customers/{customer.pk}/contacts/new/",
        {
            "name": "Eva Muster",
            "email": "eva@example.com",
            "language": "de",
            "is_active": "on",
            "portal_access": "on",
            "customers": [customer.pk],
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get(email="eva@example.com")
    assert list(contact.customers.all()) == [customer]
    assert contact.portal_access
    assert not contact.portal_admin


def test_contact_is_added_to_another_customer_by_number(client, agent) -> None:
    first, second = CustomerFactory(), CustomerFactory(number="K-777")
    contact = ContactFactory(customers=[first])
    response = client.post(
        f"/customers/contacts/{contact.pk}/edit/?customer={first.pk}",
        {
            "name": contact.name,
            "email": contact.email,
            "is_active": "on",
            "customers": [first.pk],
            "add_customer": "k-777",
        },
    )
    assert response.status_code == 302
    assert set(contact.customers.all()) == {first, second}


def test_contact_with_unknown_customer_number_is_refused(client, agent) -> None:
    contact = ContactFactory()
    customer = contact.customers.get()
    response = client.post(
        f"/customers/contacts/{contact.pk}/edit/",
        {"name": "X", "customers": [customer.pk], "add_customer": "nope"},
    )
    assert response.status_code == 200
    assert "No customer has the number" in response.content.decode()


def test_portal_admin_needs_portal_access(client, agent) -> None:
    customer = CustomerFactory()
    response = client.post(
        f"/customers/{customer.pk}/contacts/new/",
        {"name": "Eva", "customers": [customer.pk], "portal_admin": "on"},
    )
    assert response.status_code == 200
    assert not Contact.objects.exists()


def test_support_notes_are_added_edited_and_deleted(client, agent) -> None:
    customer = CustomerFactory()
    client.post(f"/customers/{customer.pk}/notes/new/", {"title": "VPN", "body": "Use jump host"})
    note = SupportNote.objects.get(customer=customer)
    assert "Use jump host" in client.get(f"/customers/{customer.pk}/").content.decode()
    client.post(f"/customers/notes/{note.pk}/edit/", {"title": "VPN", "body": "New host"})
    note.refresh_from_db()
    assert note.body == "New host"
    assert client.get(f"/customers/notes/{note.pk}/delete/").status_code == 405
    response = client.post(f"/customers/notes/{note.pk}/delete/")
    assert response.url == f"/customers/{customer.pk}/"
    assert not SupportNote.objects.exists()


def test_contact_form_ignores_a_malformed_customer_parameter(client, agent) -> None:
    contact = ContactFactory()
    assert client.get(f"/customers/contacts/{contact.pk}/edit/?customer=abc").status_code == 200


@pytest.mark.parametrize(
    "params",
    [{"page": "99999999999999999999"}, {"q": "\x00"}, {"q": "x" * 5000}, {"sort": "\x00"}],
    ids=["huge page", "nul search", "long search", "nul sort"],
)
def test_customer_list_ignores_unusable_parameters(client, agent, params) -> None:
    CustomerFactory(name="Acme GmbH")

    response = client.get("/customers/", params)

    assert response.status_code == 200
    assert [c.name for c in response.context["page"]] == ["Acme GmbH"]


def test_type_ahead_drops_nul_characters(client, agent) -> None:
    CustomerFactory(name="Acme GmbH")

    response = client.get("/customers/search/", {"q": "Ac\x00me", "format": "json"})

    assert [c["name"] for c in response.json()] == ["Acme GmbH"]


@pytest.mark.parametrize("value", ["99999999999999999999", "\x00", "-1"])
def test_contact_form_ignores_an_unusable_customer_parameter(client, agent, value) -> None:
    contact = ContactFactory()
    response = client.get(f"/customers/contacts/{contact.pk}/edit/", {"customer": value})
    assert response.status_code == 200
    assert response.context["back_to"] is None


def test_contact_with_a_customer_id_wider_than_the_database_is_a_form_error(client, agent) -> None:
    contact = ContactFactory(customers=[CustomerFactory()])

    response = client.post(
        f"/customers/contacts/{contact.pk}/edit/",
        {"name": contact.name, "language": "en", "customers": ["99999999999999999999"]},
    )

    assert response.status_code == 200
    assert response.context["form"].has_error("customers")
