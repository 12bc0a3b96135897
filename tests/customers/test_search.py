"""The type-ahead endpoint customers:search (HTML fragment, datalist options, JSON)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def agent(client):
    client.force_login(UserFactory())


def test_search_url_is_named() -> None:
    assert reverse("customers:search") == "/customers/search/"


def test_search_returns_html_fragment_of_matches(client) -> None:
    match = CustomerFactory(number="K-1", name="Alpha Telecom")
    CustomerFactory(name="Beta Networks")
    content = client.get("/customers/search/?q=alpha").content.decode()
    assert '<ul class="typeahead-results" role="listbox"' in content
    assert f'data-id="{match.pk}"' in content
    assert 'data-number="K-1"' in content
    assert "Beta" not in content
    assert "<html" not in content


def test_search_returns_json_on_accept_header(client) -> None:
    match = CustomerFactory(number="K-1", name="Alpha Telecom")
    response = client.get("/customers/search/?q=alpha", headers={"Accept": "application/json"})
    assert response["Content-Type"] == "application/json"
    assert response.json() == [{"id": match.pk, "number": "K-1", "name": "Alpha Telecom"}]


def test_search_returns_json_on_format_parameter(client) -> None:
    CustomerFactory(number="K-1", name="Alpha Telecom")
    assert client.get("/customers/search/?q=K-1&format=json").json()[0]["number"] == "K-1"


def test_search_returns_datalist_options(client) -> None:
    match = CustomerFactory(number="K-1", name="Alpha Telecom")
    content = client.get("/customers/search/?add_customer=alpha&field=add_customer&format=options")
    assert f'<option value="K-1" data-id="{match.pk}">' in content.content.decode()


def test_search_returns_at_most_20_matches(client) -> None:
    CustomerFactory.create_batch(25, name=factory_name())
    assert len(client.get("/customers/search/?q=Searchable&format=json").json()) == 20


def test_empty_search_matches_nothing(client) -> None:
    CustomerFactory()
    assert client.get("/customers/search/?q=&format=json").json() == []
    assert "No customers found" not in client.get("/customers/search/").content.decode()


def test_search_without_match_says_so(client) -> None:
    assert "No customers found" in client.get("/customers/search/?q=zzz").content.decode()


def factory_name():
    import factory

    return factory.Sequence(lambda n: f"Searchable {n}")
