"""No GET changes the database: every URL of the URL conf, as an administrator and an agent.

A GET can be fired by anything that shows a URL (an image in a customer's mail, a link
preview, a prefetching browser), so only POST may change state.
"""

from __future__ import annotations

import hashlib
import socket

import pytest
from django.apps import apps
from django.test import Client
from pytest_django.fixtures import Settings

from tests.urlconf import World, concrete_urls, loopback_only_getaddrinfo

pytestmark = pytest.mark.django_db

# Django's password-reset confirmation moves the token from the URL into the visitor's own
# session (so it never leaks in a Referer header); that session row is the only write.
SESSION_WRITES_ALLOWED = {"accounts:password_reset_confirm"}
SESSION_TABLE = "django_session"
# Query strings that once wrote (the list remembered `?view=`), on top of the bare URLs.
WITH_PARAMETERS = ["/tickets/?view=closed", "/tickets/export.csv?view=all", "/customers/?page=2"]


def database_state() -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row, per table."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        rows = list(model._base_manager.order_by("pk").values_list())
        state[model._meta.db_table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return state


@pytest.fixture
def world(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(socket, "getaddrinfo", loopback_only_getaddrinfo(socket.getaddrinfo))
    return World.build(settings)


def changed_tables(client: Client, path: str, before: dict[str, tuple[int, str]]) -> list[str]:
    client.get(path)
    after = database_state()
    return sorted(table for table in after if after[table] != before.get(table))


@pytest.mark.parametrize("role", ["administrator", "agent"])
def test_no_get_changes_the_database(client: Client, world: World, role: str) -> None:
    client.force_login(world.users[role])
    changed = {}
    state = database_state()
    urls = [(url.name, url.path) for url in concrete_urls(world)]
    for name, path in [*urls, *(("", path) for path in WITH_PARAMETERS)]:
        tables = changed_tables(client, path, state)
        if name in SESSION_WRITES_ALLOWED and tables == [SESSION_TABLE]:
            tables = []
        if tables:
            changed[f"{name} {path}"] = tables
        state = database_state()
    assert changed == {}


def test_the_url_walk_covers_the_whole_url_conf(world: World) -> None:
    names = {url.name for url in concrete_urls(world)}
    assert {"tickets:list", "tickets:detail", "customers:detail", "admin:index"} <= names
    assert len(names) > 80


@pytest.mark.parametrize("role", ["administrator", "agent"])
def test_opening_a_ticket_changes_nothing(client: Client, world: World, role: str) -> None:
    client.force_login(world.users[role])
    path = f"/tickets/{world.objects['ticket'].number}/"
    assert changed_tables(client, path, database_state()) == []
