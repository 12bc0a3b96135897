"""Configuration → Users and Support teams: administrators only; set-password link by e-mail."""

from __future__ import annotations

import re

import pytest

from tests.accounts.factories import TeamFactory, UserFactory
from tests.signin import sign_in
from ticketdesk.accounts.models import Role, Team, User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-Passphrase-42"


@pytest.fixture
def admin(client):
    user = UserFactory(admin=True, email="admin@example.com")
    client.force_login(user)
    return user


def user_data(**overrides: object) -> dict[str, object]:
    data = {
        "email": "new.agent@example.com",
        "full_name": "New Agent",
        "role": Role.AGENT,
        "language": "en",
        "is_support_team": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def config_pages(user: User, team: Team) -> list[tuple[str, str]]:
    return [
        ("get", "/config/users/"),
        ("get", "/config/users/new/"),
        ("post", "/config/users/new/"),
        ("get", f"/config/users/{user.pk}/"),
        ("post", f"/config/users/{user.pk}/"),
        ("post", f"/config/users/{user.pk}/active/"),
        ("post", f"/config/users/{user.pk}/send-link/"),
        ("get", "/config/teams/"),
        ("get", "/config/teams/new/"),
        ("post", "/config/teams/new/"),
        ("get", f"/config/teams/{team.pk}/"),
        ("post", f"/config/teams/{team.pk}/"),
        ("post", f"/config/teams/{team.pk}/active/"),
    ]


@pytest.mark.parametrize("trait", ["agent", "read_only"])
def test_non_administrators_get_403_on_every_user_and_team_page(client, trait) -> None:
    user = UserFactory(**({trait: True} if trait != "agent" else {}))
    client.force_login(user)
    for method, url in config_pages(UserFactory(), TeamFactory()):
        assert getattr(client, method)(url).status_code == 403, url
    assert User.objects.filter(is_active=False).count() == 0


def test_administrator_sees_users_and_teams_in_configuration_index(client, admin) -> None:
    content = client.get("/config/").content.decode()
    assert 'href="/config/users/"' in content
    assert 'href="/config/teams/"' in content
    assert client.get("/config/users/").status_code == 200
    assert client.get("/config/teams/").status_code == 200


def test_created_user_sets_password_through_emailed_link_and_logs_in(
    client, admin, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    team = TeamFactory(name="Network")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/config/users/new/", user_data(teams=[team.pk]))
    assert response.status_code == 302
    user = User.objects.get(email="new.agent@example.com")
    assert not user.has_usable_password()
    assert list(user.teams.all()) == [team]
    assert user.is_support_team

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["new.agent@example.com"]
    assert "set your password" in mail.subject
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", mail.body).group(1)
    assert link in mail.alternatives[0].content

    client.logout()
    form = client.get(link, follow=True)
    assert form.status_code == 200
    assert form.context["validlink"]
    set_password_url = form.redirect_chain[-1][0]
    done = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert done.url == "/accounts/password-reset/done/"

    login = client.post(
        "/accounts/login/",
        {"username": "new.agent@example.com", "password": NEW_PASSWORD},
        follow=True,
    )
    assert login.context["user"] == user
    assert not client.get(link, follow=True).context["validlink"]


def test_duplicate_email_is_refused(client, admin, mailoutbox) -> None:
    UserFactory(email="taken@example.com")
    response = client.post("/config/users/new/", user_data(email="Taken@example.com"))
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert not mailoutbox


def test_administrator_edits_role_support_flag_teams_and_language(client, admin) -> None:
    user = UserFactory(role=Role.AGENT, is_support_team=True, language="en")
    team = TeamFactory()
    response = client.post(
        f"/config/users/{user.pk}/",
        user_data(
            email=user.email,
            role=Role.READ_ONLY,
            language="de",
            is_support_team=None,
            teams=[team.pk],
        ),
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.role, user.language, user.is_support_team) == (Role.READ_ONLY, "de", False)
    assert list(user.teams.all()) == [team]


def test_deactivated_user_can_no_longer_log_in(client, admin) -> None:
    user = UserFactory(email="leaving@example.com", password="secret")
    response = client.post(f"/config/users/{user.pk}/active/", {"active": "0"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    client.logout()
    assert not sign_in(client, "leaving@example.com", "secret")


def test_deactivated_user_can_be_reactivated(client, admin) -> None:
    user = UserFactory(is_active=False)
    client.post(f"/config/users/{user.pk}/active/", {"active": "1"})
    user.refresh_from_db()
    assert user.is_active


def test_administrator_cannot_deactivate_themselves(client, admin) -> None:
    response = client.post(f"/config/users/{admin.pk}/active/", {"active": "0"}, follow=True)
    assert "cannot deactivate your own account" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


def test_last_administrator_keeps_the_role(client, admin) -> None:
    response = client.post(
        f"/config/users/{admin.pk}/", user_data(email=admin.email, role=Role.AGENT)
    )
    assert response.status_code == 200
    assert "cannot take the administrator role from yourself" in response.content.decode()
    other = UserFactory(admin=True)
    client.force_login(other)
    client.post(f"/config/users/{admin.pk}/", user_data(email=admin.email, role=Role.AGENT))
    admin.refresh_from_db()
    assert admin.role == Role.AGENT
    response = client.post(f"/config/users/{other.pk}/active/", {"active": "0"}, follow=True)
    assert "cannot deactivate your own account" in response.content.decode()


def test_set_password_link_can_be_sent_again(client, admin, mailoutbox) -> None:
    user = UserFactory()
    response = client.post(f"/config/users/{user.pk}/send-link/", follow=True)
    assert "has been sent" in response.content.decode()
    assert mailoutbox[0].to == [user.email]


def test_user_list_searches_and_shows_teams(client, admin, django_assert_max_num_queries) -> None:
    team = TeamFactory(name="Telephony")
    for user in UserFactory.create_batch(10):
        user.teams.add(team)
    UserFactory(full_name="Zora Findme")
    with django_assert_max_num_queries(8):
        content = client.get("/config/users/").content.decode()
    assert "Telephony" in content
    found = client.get("/config/users/?q=findme").content.decode()
    assert "Zora Findme" in found
    assert "Telephony" not in found


def test_administrator_creates_edits_and_deactivates_a_team(client, admin) -> None:
    agent = UserFactory()
    client.post(
        "/config/teams/new/", {"name": "Network", "description": "Routers", "members": [agent.pk]}
    )
    team = Team.objects.get(name="Network")
    assert list(team.members.all()) == [agent]
    client.post(f"/config/teams/{team.pk}/", {"name": "Networks", "description": "", "members": []})
    team.refresh_from_db()
    assert team.name == "Networks"
    assert not team.members.exists()
    client.post(f"/config/teams/{team.pk}/active/", {"active": "0"})
    team.refresh_from_db()
    assert not team.is_active
    assert "Networks" in client.get("/config/teams/").content.decode()
