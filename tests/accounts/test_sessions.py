"""Sessions end with a role change or deactivation; signed-in pages are never cached."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.signin import sign_in
from ticketdesk.accounts import services
from ticketdesk.accounts.models import Role, User

pytestmark = pytest.mark.django_db

PASSWORD = "password"  # the factories' default


def signed_in_client(user: User) -> Client:
    client = Client()
    assert sign_in(client, user.email, PASSWORD)
    assert client.get("/tickets/").status_code == 200
    return client


def is_signed_out(client: Client) -> bool:
    response = client.get("/tickets/")
    return response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


@pytest.fixture
def admin_client(client: Client) -> Client:
    client.force_login(UserFactory(admin=True))
    return client


def test_deactivated_then_reactivated_users_old_session_is_refused(admin_client) -> None:
    user = UserFactory()
    old = signed_in_client(user)

    admin_client.post(f"/config/users/{user.pk}/active/", {"active": "0"})
    admin_client.post(f"/config/users/{user.pk}/active/", {"active": "1"})

    user.refresh_from_db()
    assert user.is_active
    assert is_signed_out(old)
    assert signed_in_client(user)  # a new sign-in works


def test_deactivating_in_the_django_admin_ends_the_session_for_good(admin_client) -> None:
    user = UserFactory()
    old = signed_in_client(user)
    url = reverse("admin:accounts_user_change", args=[user.pk])
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "role": user.role,
        "date_joined_0": "2024-01-01",
        "date_joined_1": "00:00:00",
    }

    admin_client.post(url, data)  # is_active unticked
    admin_client.post(url, {**data, "is_active": "on"})

    user.refresh_from_db()
    assert user.is_active
    assert is_signed_out(old)


@pytest.mark.parametrize("role", [Role.READ_ONLY, Role.CUSTOMER, Role.ADMINISTRATOR])
def test_role_change_ends_the_users_sessions(admin_client, role) -> None:
    user = UserFactory()
    sessions = [signed_in_client(user), signed_in_client(user)]

    admin_client.post(
        f"/config/users/{user.pk}/",
        {"email": user.email, "full_name": user.full_name, "role": role, "language": "en"},
    )

    user.refresh_from_db()
    assert user.role == role
    assert all(is_signed_out(session) for session in sessions)


def test_saving_a_user_without_a_role_change_keeps_their_session(admin_client) -> None:
    user = UserFactory()
    session = signed_in_client(user)

    admin_client.post(
        f"/config/users/{user.pk}/",
        {"email": user.email, "full_name": "New Name", "role": user.role, "language": "de"},
    )

    assert User.objects.get(pk=user.pk).full_name == "New Name"
    assert not is_signed_out(session)


def test_administrator_demoting_another_keeps_their_own_session(admin_client) -> None:
    other = UserFactory(admin=True)

    admin_client.post(
        f"/config/users/{other.pk}/",
        {"email": other.email, "full_name": other.full_name, "role": Role.AGENT, "language": "en"},
    )

    assert admin_client.get("/config/users/").status_code == 200


def test_end_sessions_signs_the_user_out_everywhere() -> None:
    user = UserFactory()
    sessions = [signed_in_client(user), signed_in_client(user)]

    services.end_sessions(user)

    assert all(is_signed_out(session) for session in sessions)


def test_authenticated_pages_and_csv_export_are_not_stored(admin_client) -> None:
    urls = [
        "/tickets/",
        reverse("tickets:export"),
        "/config/users/",
        reverse("accounts:profile"),
        reverse("admin:index"),
    ]
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url


def test_anonymous_pages_are_not_marked_no_store(client) -> None:
    # The login page itself carries Django's never_cache header (LoginView); the middleware
    # leaves anonymous answers alone.
    for url in (reverse("accounts:password_reset"), reverse("accounts:password_reset_done")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" not in response.headers.get("Cache-Control", ""), url
    login = client.get(reverse("accounts:login"))
    assert login.headers["Cache-Control"] != "no-store"


def test_the_answer_that_signs_in_is_not_stored(client) -> None:
    user = UserFactory()
    signed_in = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    assert signed_in.headers["Cache-Control"] == "no-store"
