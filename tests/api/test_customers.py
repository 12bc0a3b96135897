"""Customers and contacts through the API: the UI's validation, read-only users only read."""

from __future__ import annotations

import pytest

from tests.accounts.factories import UserFactory
from tests.customers.factories import ContactFactory, CustomerFactory
from ticketdesk.customers.models import Contact, Customer

from .conftest import Api, api_for

pytestmark = pytest.mark.django_db


def test_create_read_change_and_search_a_customer(api: Api) -> None:
    created = api.post("/customers", {"number": "K-1", "name": "Acme GmbH", "city": "Köln"})
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]

    changed = api.patch(f"/customers/{pk}", {"phone": "+49 221 1"})
    assert changed.json()["phone"] == "+49 221 1"
    assert changed.json()["city"] == "Köln"
    assert api.get(f"/customers/{pk}").json()["name"] == "Acme GmbH"
    assert [c["id"] for c in api.get("/customers?q=acme").json()["items"]] == [pk]


def test_a_duplicate_number_is_a_field_error(api: Api) -> None:
    CustomerFactory(number="K-1")
    response = api.post("/customers", {"number": "K-1", "name": "Other"})
    assert response.status_code == 400
    assert "number" in response.json()["error"]["fields"]
    assert Customer.objects.count() == 1


def test_contacts_belong_to_customers(api: Api) -> None:
    acme = CustomerFactory()
    created = api.post(
        "/contacts", {"name": "Max", "email": "max@acme.example", "customers": [acme.pk]}
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["customers"] == [acme.pk]
    assert api.get(f"/customers/{acme.pk}/contacts").json()["items"][0]["id"] == pk
    admin_without_access = api.patch(f"/contacts/{pk}", {"portal_admin": True})
    assert admin_without_access.status_code == 400
    assert "portal_access" in admin_without_access.json()["error"]["fields"]
    assert api.post("/contacts", {"name": "X", "customers": [987654]}).status_code == 400
    assert api.get("/contacts?q=max").json()["items"][0]["email"] == "max@acme.example"


def test_read_only_users_cannot_change_customers() -> None:
    reader = api_for(UserFactory(read_only=True))
    contact = ContactFactory()
    assert reader.get(f"/contacts/{contact.pk}").status_code == 200
    assert reader.post("/customers", {"number": "K-9", "name": "X"}).status_code == 403
    assert reader.patch(f"/contacts/{contact.pk}", {"name": "Y"}).status_code == 403
    assert Contact.objects.get(pk=contact.pk).name == contact.name
