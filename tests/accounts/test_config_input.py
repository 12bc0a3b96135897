"""Configuration → Users and Support teams refuse ids and search terms no database can take."""

from __future__ import annotations

import pytest

from tests.accounts.factories import TeamFactory, UserFactory
from ticketdesk.accounts.models import Role, Team, User

pytestmark = pytest.mark.django_db

# Wider than a 64-bit column (SQLite raises OverflowError), and a NUL (PostgreSQL refuses it).
NOT_IDS = ["99999999999999999999", "\x00", "1\x00"]


@pytest.fixture
def admin(client):
    user = UserFactory(admin=True)
    client.force_login(user)
    return user


def user_data(**overrides: object) -> dict[str, object]:
    return {
        "email": "new.agent@example.com",
        "full_name": "New Agent",
        "role": Role.AGENT,
        "language": "en",
        **overrides,
    }


@pytest.mark.parametrize("value", NOT_IDS)
def test_user_form_refuses_a_team_that_cannot_be_an_id(client, admin, value) -> None:
    team = TeamFactory()
    colleague = UserFactory()
    for url in ("/config/users/new/", f"/config/users/{colleague.pk}/"):
        response = client.post(url, user_data(teams=[str(team.pk), value]))
        assert response.status_code == 200, url
        assert response.context["form"].errors["teams"], url
    assert not User.objects.filter(email="new.agent@example.com").exists()
    assert not colleague.teams.exists()


@pytest.mark.parametrize("value", NOT_IDS)
def test_team_form_refuses_a_member_that_cannot_be_an_id(client, admin, value) -> None:
    team = TeamFactory(name="Second level")
    for url in ("/config/teams/new/", f"/config/teams/{team.pk}/"):
        response = client.post(url, {"name": "First level", "members": [str(admin.pk), value]})
        assert response.status_code == 200, url
        assert response.context["form"].errors["members"], url
    assert list(Team.objects.values_list("name", flat=True)) == ["Second level"]


def test_user_list_search_ignores_nul_characters(client, admin) -> None:
    UserFactory(full_name="Erika Musterfrau")
    UserFactory(full_name="Max Mustermann")
    response = client.get("/config/users/", {"q": "Erika\x00"})
    assert response.status_code == 200
    assert [user.full_name for user in response.context["page"]] == ["Erika Musterfrau"]
