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


def test_admin_cannot_deactivate_the_last_administrator(client) -> None:
    last = UserFactory(admin=True)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))  # role: agent
    data = {
        "email": last.email,
        "full_name": last.full_name,
        "language": last.language,
        "role": Role.ADMINISTRATOR,
        "date_joined_0": "2024-01-01",
        "date_joined_1": "00:00:00",
    }

    response = client.post(reverse("admin:accounts_user_change", args=[last.pk]), data, follow=True)

    last.refresh_from_db()
    assert last.is_active
    assert any("last active administrator" in str(m) for m in response.context["messages"])
