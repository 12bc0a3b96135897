"""Roles decide the Django admin flags: demotion takes /config/ and /admin/, promotion gives."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.signin import sign_in
from ticketdesk.accounts import services
from ticketdesk.accounts.models import Role, User

pytestmark = pytest.mark.django_db

PASSWORD = "password"  # the factories' default
LOWER_ROLES = [Role.AGENT, Role.READ_ONLY, Role.CUSTOMER]


def reaches_config_and_admin(user: User) -> tuple[int, int]:
    client = Client()
    assert sign_in(client, user.email, PASSWORD)
    return client.get("/config/").status_code, client.get(reverse("admin:index")).status_code


def refused_config_and_admin(role: str) -> tuple[int, int]:
    """Staff get 403 and the Django admin's own login (302); a customer login is kept out of
    both like every agent page (404 while the portal is off, portal/middleware.py)."""
    return (404, 404) if role == Role.CUSTOMER else (403, 302)


def form_data(user: User, **overrides: object) -> dict[str, object]:
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role,
        "language": user.language,
        "is_support_team": "on",
    }
    data.update(overrides)
    return data


def admin_change_data(user: User, **overrides: object) -> dict[str, object]:
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "role": user.role,
        "is_active": "on",
        "date_joined_0": "2024-01-01",
        "date_joined_1": "00:00:00",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", LOWER_ROLES)
def test_demoting_a_superuser_in_configuration_takes_config_and_admin(client, role) -> None:
    client.force_login(UserFactory(admin=True))
    demoted = UserFactory(admin=True)
    assert reaches_config_and_admin(demoted) == (200, 200)

    response = client.post(f"/config/users/{demoted.pk}/", form_data(demoted, role=role))

    assert response.status_code == 302
    demoted.refresh_from_db()
    assert (demoted.role, demoted.is_staff, demoted.is_superuser) == (role, False, False)
    assert reaches_config_and_admin(demoted) == refused_config_and_admin(role)


@pytest.mark.parametrize("role", LOWER_ROLES)
def test_demoting_a_superuser_in_the_django_admin_takes_config_and_admin(client, role) -> None:
    client.force_login(UserFactory(admin=True))
    demoted = UserFactory(admin=True)
    url = reverse("admin:accounts_user_change", args=[demoted.pk])

    response = client.post(url, admin_change_data(demoted, role=role))

    assert response.status_code == 302
    demoted.refresh_from_db()
    assert (demoted.role, demoted.is_staff, demoted.is_superuser) == (role, False, False)
    assert reaches_config_and_admin(demoted) == refused_config_and_admin(role)


def test_promoting_an_agent_gives_config_and_admin(client) -> None:
    client.force_login(UserFactory(admin=True))
    agent = UserFactory()
    assert reaches_config_and_admin(agent) == (403, 302)

    client.post(f"/config/users/{agent.pk}/", form_data(agent, role=Role.ADMINISTRATOR))

    agent.refresh_from_db()
    assert (agent.is_staff, agent.is_superuser) == (True, True)
    assert reaches_config_and_admin(agent) == (200, 200)


def test_promoting_in_the_django_admin_gives_config_and_admin(client) -> None:
    client.force_login(UserFactory(admin=True))
    agent = UserFactory()

    client.post(
        reverse("admin:accounts_user_change", args=[agent.pk]),
        admin_change_data(agent, role=Role.ADMINISTRATOR, is_staff="", is_superuser=""),
    )

    agent.refresh_from_db()
    assert (agent.role, agent.is_staff, agent.is_superuser) == (Role.ADMINISTRATOR, True, True)


def test_django_admin_flags_cannot_be_set_without_the_role(client) -> None:
    client.force_login(UserFactory(admin=True))
    agent = UserFactory()

    client.post(
        reverse("admin:accounts_user_change", args=[agent.pk]),
        admin_change_data(agent, is_staff="on", is_superuser="on"),
    )

    agent.refresh_from_db()
    assert (agent.role, agent.is_staff, agent.is_superuser) == (Role.AGENT, False, False)


def test_administrator_created_in_configuration_is_a_superuser(client, mailoutbox) -> None:
    client.force_login(UserFactory(admin=True))
    data = {"email": "new@example.com", "full_name": "New", "role": Role.ADMINISTRATOR}

    client.post("/config/users/new/", {**data, "language": "en"})

    created = User.objects.get(email="new@example.com")
    assert (created.is_staff, created.is_superuser) == (True, True)


def test_administrator_added_in_the_django_admin_is_a_superuser(client) -> None:
    client.force_login(UserFactory(admin=True))
    client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "root2@example.com",
            "full_name": "Root",
            "role": Role.ADMINISTRATOR,
            "language": "en",
            "usable_password": "false",
        },
    )

    created = User.objects.get(email="root2@example.com")
    assert (created.role, created.is_staff, created.is_superuser) == (
        Role.ADMINISTRATOR,
        True,
        True,
    )


def test_first_administrator_from_createsuperuser_reaches_config_and_admin(monkeypatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)

    call_command("createsuperuser", interactive=False, email="Root@Example.com", verbosity=0)

    root = User.objects.get(email="root@example.com")
    assert (root.role, root.is_staff, root.is_superuser) == (Role.ADMINISTRATOR, True, True)
    assert reaches_config_and_admin(root) == (200, 200)


def test_the_database_refuses_admin_flags_that_disagree_with_the_role() -> None:
    agent = UserFactory()

    with pytest.raises(IntegrityError):
        User.objects.filter(pk=agent.pk).update(is_superuser=True, is_staff=True)


def test_last_administrator_keeps_role_and_flags() -> None:
    last = UserFactory(admin=True)
    other = UserFactory(admin=True)
    services.change_role(other, role=Role.AGENT, by=last)

    with pytest.raises(ValidationError) as refused:
        services.change_role(last, role=Role.AGENT, by=other)

    assert refused.value.code == "last_admin"

    last.refresh_from_db()
    assert (last.role, last.is_superuser) == (Role.ADMINISTRATOR, True)


BEFORE = ("accounts", "0003_user_ticket_list_view")


@pytest.mark.django_db(transaction=True)
def test_migration_brings_existing_flags_in_line_with_roles() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old_user = executor.loader.project_state([BEFORE]).apps.get_model("accounts", "User")
    rows = {
        "demoted@example.com": ("agent", True, True),  # demoted before the fix
        "customer@example.com": ("customer", False, True),
        "admin@example.com": ("admin", False, False),  # made administrator in Configuration
        "agent@example.com": ("agent", False, False),
    }
    for email, (role, staff, superuser) in rows.items():
        old_user.objects.create(email=email, role=role, is_staff=staff, is_superuser=superuser)
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        flags = {u.email: (u.is_staff, u.is_superuser, u.session_epoch) for u in User.objects.all()}
        assert flags == {
            "demoted@example.com": (False, False, 1),
            "customer@example.com": (False, False, 1),
            "admin@example.com": (True, True, 0),
            "agent@example.com": (False, False, 0),
        }
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
