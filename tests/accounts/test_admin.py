"""The admin's user form works with the e-mail login."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.signin import sign_in
from ticketdesk.accounts.models import Role, User

pytestmark = pytest.mark.django_db

NEW_USER = {
    "email": "New.Agent@Example.com",
    "full_name": "New Agent",
    "role": Role.AGENT,
    "is_support_team": "on",
    "language": "en",
    "usable_password": "true",
    "password1": "a-long-Passphrase-42",
    "password2": "a-long-Passphrase-42",
}


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(admin=True, is_superuser=True))
    return client


def test_admin_creates_a_user_who_can_sign_in(admin_client, client) -> None:
    response = admin_client.post(reverse("admin:accounts_user_add"), NEW_USER)

    assert response.status_code == 302
    user = User.objects.get(email="new.agent@example.com")
    assert user.is_support_team
    assert user.role == Role.AGENT
    client.logout()
    assert sign_in(client, "new.agent@example.com", "a-long-Passphrase-42")


def test_admin_refuses_a_second_user_with_the_same_email(admin_client) -> None:
    UserFactory(email="new.agent@example.com")

    response = admin_client.post(reverse("admin:accounts_user_add"), NEW_USER)

    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert User.objects.filter(email__iexact="new.agent@example.com").count() == 1


def change_data(user: User, **overrides: object) -> dict[str, object]:
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "role": user.role,
        "is_active": "on" if user.is_active else "",
        "date_joined_0": "2024-01-01",
        "date_joined_1": "00:00:00",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_administrator_cannot_deactivate_or_demote_themselves_in_the_admin(client) -> None:
    # A superuser is always an administrator, so the last one can only act on themselves.
    last = UserFactory(admin=True)
    client.force_login(last)
    url = reverse("admin:accounts_user_change", args=[last.pk])

    deactivated = client.post(url, change_data(last, is_active=""), follow=True)
    demoted = client.post(url, change_data(last, role=Role.AGENT), follow=True)

    last.refresh_from_db()
    assert (last.is_active, last.role, last.is_superuser) == (True, Role.ADMINISTRATOR, True)
    assert any("cannot deactivate your own" in str(m) for m in deactivated.context["messages"])
    assert any("administrator role from yourself" in str(m) for m in demoted.context["messages"])
