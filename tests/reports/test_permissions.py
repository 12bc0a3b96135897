"""Who sees the reports, and which tickets a non-administrator's reports count."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory

from .conftest import Month, signed_in

pytestmark = pytest.mark.django_db

MARCH = {"range": "custom", "from": "2025-03-01", "to": "2025-03-31"}


def urls(month: Month) -> list[str]:
    return [
        reverse("reports:index"),
        reverse("reports:json", args=["performance"]),
        reverse("reports:csv", args=["backlog"]),
        reverse("reports:customer", args=[month.acme.pk]),
        reverse("reports:customer_csv", args=[month.acme.pk]),
    ]


def test_anonymous_users_are_sent_to_sign_in(month: Month) -> None:
    for url in urls(month):
        response = Client().get(url, MARCH)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_customer_logins_get_404(month: Month) -> None:
    client = signed_in(UserFactory(customer=True))
    # Customer logins are kept out of the agent workspace: 404 while the portal is off.
    for url in urls(month):
        assert client.get(url, MARCH).status_code == 404


@pytest.mark.parametrize("kind", ["read_only", "outsider", "agent", "admin"])
def test_staff_see_the_reports(month: Month, kind: str) -> None:
    client = signed_in(UserFactory(**{kind: True}) if kind != "agent" else UserFactory())
    for url in urls(month):
        assert client.get(url, MARCH).status_code == 200


def test_reports_only_answer_get(month: Month) -> None:
    client = signed_in(month.admin)
    for url in urls(month):
        assert client.post(url, MARCH).status_code == 405


def test_an_agent_counts_their_teams_and_tickets_without_a_team(month: Month) -> None:
    data = signed_in(month.anna).get(reverse("reports:json", args=["distribution"]), MARCH).json()
    teams = [row["name"] for row in data["rows"] if row["dimension"] == "team"]
    assert teams == ["Alpha", "No team"]
    total = next(row for row in data["rows"] if row["dimension"] == "total")
    assert total["values"]["opened"] == 3  # T1, T2 (Alpha) and T4 (no team); not Bob's T3


def test_an_agent_cannot_filter_by_another_team(month: Month) -> None:
    params = {**MARCH, "team": str(month.beta.pk)}
    response = signed_in(month.anna).get(reverse("reports:json", args=["time"]), params)
    assert response.status_code == 400
    assert "Unknown team" in response.json()["errors"]["team"][0]
    page = signed_in(month.anna).get(reverse("reports:index"), MARCH).content.decode()
    assert f'<option value="{month.alpha.pk}">Alpha</option>' in page
    assert ">Beta</option>" not in page


def test_administrators_count_every_team(month: Month) -> None:
    data = signed_in(month.admin).get(reverse("reports:json", args=["distribution"]), MARCH).json()
    teams = [row["name"] for row in data["rows"] if row["dimension"] == "team"]
    assert teams == ["Alpha", "Beta", "No team"]


def test_the_customer_report_counts_only_the_agents_scope(month: Month) -> None:
    url = reverse("reports:customer", args=[month.acme.pk])
    html = signed_in(month.anna).get(url, MARCH).content.decode()
    assert month.tickets["T1"].reference in html
    assert month.tickets["T3"].reference not in html  # Beta's ticket
    admin_html = signed_in(month.admin).get(url, MARCH).content.decode()
    assert month.tickets["T3"].reference in admin_html


def test_a_read_only_user_without_teams_counts_tickets_without_team(month: Month) -> None:
    reader = UserFactory(read_only=True)
    data = signed_in(reader).get(reverse("reports:json", args=["performance"]), MARCH).json()
    total = next(row for row in data["rows"] if row["dimension"] == "total")
    assert total["values"]["opened"] == 1  # T4 only
