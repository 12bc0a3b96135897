"""Sign-in and the main pages answer."""

from __future__ import annotations

import pytest

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_login_page_renders(client) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"Log in" in response.content or b"Anmelden" in response.content


def test_agent_logs_in_and_reaches_the_dashboard(client) -> None:
    UserFactory(email="agent@example.com", password="agent")
    response = client.post(
        "/accounts/login/", {"username": "agent@example.com", "password": "agent"}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/"
    assert "/tickets/?" in response.content.decode()  # the panels link into the list


def test_configuration_is_for_administrators_only(client) -> None:
    client.force_login(UserFactory())
    assert client.get("/config/").status_code == 403
    client.force_login(UserFactory(admin=True))
    assert client.get("/config/").status_code == 200


def test_profile_changes_language(client) -> None:
    user = UserFactory(language="en")
    client.force_login(user)
    response = client.post(
        "/accounts/profile/", {"full_name": "Eva", "language": "de"}, follow=True
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.language == "de"
