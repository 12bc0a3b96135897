"""Configuration → Support → Mail filters: administrators create, edit, order and switch rules."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.tickets.factories import priority
from ticketdesk.inbound.filters.models import MailFilter

from .factories import make_filter

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client: Client) -> None:
    client.force_login(UserFactory(admin=True))


def form_data(*rows: tuple[str, str, str], **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Invoices",
        "is_active": "on",
        "match": "all",
        "conditions-TOTAL_FORMS": str(len(rows)),
        "conditions-INITIAL_FORMS": "0",
        "conditions-MIN_NUM_FORMS": "1",
        "conditions-MAX_NUM_FORMS": "1000",
    }
    for n, (field, operator, value) in enumerate(rows):
        data.update(
            {
                f"conditions-{n}-field": field,
                f"conditions-{n}-operator": operator,
                f"conditions-{n}-value": value,
            }
        )
    data.update(fields)
    return data


def test_configuration_page_links_mail_filters(client: Client, admin: None) -> None:
    html = client.get(reverse("config:index")).content.decode()
    assert reverse("config_mail_filters:list") in html


def test_list_says_the_first_match_applies(client: Client, admin: None) -> None:
    make_filter(("subject", "contains", "invoice"), name="Invoices", close=True)
    html = client.get(reverse("config_mail_filters:list")).content.decode()
    assert "<strong>first</strong> filter whose conditions match" in html
    assert "Subject contains “invoice”" in html
    assert "close at once" in html


def test_create_a_filter_with_conditions(client: Client, admin: None) -> None:
    data = form_data(
        ("subject", "contains", "invoice"),
        ("from", "regex", r"@vendor\.example$"),
        ("body", "equals", ""),  # an untouched extra row is left out
        set_priority=priority("High").pk,
        match="any",
    )
    data["conditions-TOTAL_FORMS"] = "2"
    response = client.post(reverse("config_mail_filters:create"), data)
    assert response.status_code == 302
    mail_filter = MailFilter.objects.get()
    assert mail_filter.match == "any"
    assert mail_filter.set_priority == priority("High")
    assert [str(c) for c in mail_filter.conditions.all()] == [
        "Subject contains “invoice”",
        "From (address or name) matches regular expression “@vendor\\.example$”",
    ]


def test_invalid_regex_shows_a_clear_error_and_saves_nothing(client: Client, admin: None) -> None:
    data = form_data(("subject", "regex", "([a-z]"))
    response = client.post(reverse("config_mail_filters:create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "“([a-z]” is not a valid regular expression: missing ), unterminated subpattern" in html
    assert not MailFilter.objects.exists()


def test_slow_regex_is_refused_with_a_clear_error_and_saves_nothing(
    client: Client, admin: None
) -> None:
    data = form_data(("body", "regex", r"^(\w+\s?)*$"))

    response = client.post(reverse("config_mail_filters:create"), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "“^(\\w+\\s?)*$” takes too long on a long message (more than 0.2 seconds)" in html
    assert "would hold up incoming mail" in html
    assert not MailFilter.objects.exists()


def test_a_filter_without_conditions_is_refused(client: Client, admin: None) -> None:
    response = client.post(reverse("config_mail_filters:create"), form_data())
    assert "Please submit at least 1 form." in response.content.decode()
    assert not MailFilter.objects.exists()


def test_edit_replaces_conditions_and_can_remove_one(client: Client, admin: None) -> None:
    mail_filter = make_filter(("subject", "contains", "a"), ("subject", "contains", "b"))
    first, second = mail_filter.conditions.all()
    data = form_data(("subject", "contains", "a"), ("subject", "contains", "b"), name="Renamed")
    data.update(
        {
            "conditions-INITIAL_FORMS": "2",
            "conditions-0-id": str(first.pk),
            "conditions-1-id": str(second.pk),
            "conditions-1-DELETE": "on",
        }
    )
    response = client.post(reverse("config_mail_filters:edit", args=[mail_filter.pk]), data)
    assert response.status_code == 302
    mail_filter.refresh_from_db()
    assert mail_filter.name == "Renamed"
    assert [c.value for c in mail_filter.conditions.all()] == ["a"]


def test_reorder_deactivate_and_delete(client: Client, admin: None) -> None:
    first = make_filter(("subject", "contains", "a"), name="First")
    second = make_filter(("subject", "contains", "b"), name="Second")
    client.post(reverse("config_mail_filters:move", args=[second.pk]), {"direction": "up"})
    assert list(MailFilter.objects.values_list("name", flat=True)) == ["Second", "First"]
    client.post(reverse("config_mail_filters:set_active", args=[first.pk]), {"active": "0"})
    first.refresh_from_db()
    assert not first.is_active
    client.post(reverse("config_mail_filters:delete", args=[second.pk]))
    assert list(MailFilter.objects.values_list("name", flat=True)) == ["First"]


def test_assignee_choices_are_support_team_only(client: Client, admin: None) -> None:
    outsider = UserFactory(outsider=True, full_name="Olga Outsider")
    html = client.get(reverse("config_mail_filters:create")).content.decode()
    assert "Olga Outsider" not in html
    data = form_data(("subject", "contains", "x"), set_assignee=outsider.pk)
    response = client.post(reverse("config_mail_filters:create"), data)
    assert "Select a valid choice" in response.content.decode()


# Customer logins never see agent pages: 404 while the portal is off (tests/portal).
@pytest.mark.parametrize(
    ("user", "refused"), [({"customer": True}, 404), ({"read_only": True}, 403), ({}, 403)]
)
def test_only_administrators_reach_mail_filters(
    client: Client, user: dict[str, bool], refused: int
) -> None:
    mail_filter = make_filter(("subject", "contains", "a"))
    client.force_login(UserFactory(**user))
    assert client.get(reverse("config_mail_filters:list")).status_code == refused
    assert (
        client.post(reverse("config_mail_filters:delete", args=[mail_filter.pk])).status_code
        == refused
    )
    assert MailFilter.objects.exists()
