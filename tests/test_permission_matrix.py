"""The permission matrix: every URL of the URL conf × role × GET and POST, with the expected answer.

The URLs come from walking the URL conf, so a new URL without a row in MATRIX fails
`test_every_url_has_a_row` until someone decides who may use it. Each row lists the
answer for the six roles, in the order of ROLES:

    anonymous · customer login · read-only · agent without the Support-team flag ·
    agent · administrator

An answer is an HTTP status, or `login` for a redirect to the sign-in page (a plain
`302` is any other redirect, e.g. after a successful POST). POST bodies are empty or
minimal: what is asserted is the authorization answer, not what the form does. Every
request runs in a transaction that is rolled back, so each role meets the same data.

Who may do what (core/permissions.py, customers/, inbound/ and tickets/permissions.py,
DESIGN.md §1.5–1.7): anonymous users are sent to the sign-in page; customers (portal
logins) never reach the agent workspace: they are sent to the portal, and get 404 while the
portal is off, as it is here (portal/middleware.py); read-only users see tickets,
customers and the incoming-mail inbox but change nothing; agents, with or without the
Support-team flag, work tickets, customers and incoming mail; Configuration (users,
teams, support lists, notification texts, mail filters, mailboxes, outbox, webhooks) is
for administrators only.

The URLs and the objects their parameters point at come from tests/urlconf.py, shared
with the GET-safety and fuzz tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.http import HttpResponseBase
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from tests.connections import close_keeping_connection
from tests.urlconf import ROLES, Url, World, concrete_urls

# URLs outside the matrix, each with the reason. Also outside: the Django admin site, which
# has its own permission system (is_staff, model permissions; tests/*/test_admin.py).
NOT_IN_MATRIX = {
    "core:healthz": "the public health check: no sign-in, the same answer for everyone "
    "(200 or 503 by the health of database, disk and worker), covered by tests/core/",
}


@dataclass(frozen=True)
class Row:
    """Expected answers to GET and POST, one per role (ROLES order), and the POST body."""

    get: str
    post: str
    data: Callable[[World], dict[str, Any]] = field(default=lambda w: {})


# The REST API answers JSON with its own auth (tokens and sessions): its own matrix of
# endpoint × role × token state in tests/api/test_permission_matrix.py.
API_NAMESPACE = "api-v1:"

# Columns: anonymous, customer, read-only, agent without Support-team flag, agent, admin.
MATRIX: dict[str, Row] = {
    "accounts:login": Row("200 404 200 200 200 200", "200 404 200 200 200 200"),
    "accounts:logout": Row("405 405 405 405 405 405", "login login login login login login"),
    "accounts:password_reset": Row("200 404 200 200 200 200", "200 404 200 200 200 200"),
    "accounts:password_reset_done": Row("200 404 200 200 200 200", "405 404 405 405 405 405"),
    # A valid link redirects to the set-password form on its own URL (Django's flow).
    "accounts:password_reset_confirm": Row("302 404 302 302 302 302", "302 404 302 302 302 302"),
    "accounts:password_reset_complete": Row("200 404 200 200 200 200", "405 404 405 405 405 405"),
    "accounts:profile": Row("login 404 200 200 200 200", "login 404 200 200 200 200"),
    # API tokens: staff manage their own (the world's token is the agent's; others 404).
    "api_tokens:list": Row("login 404 200 200 200 200", "login 404 200 200 200 200"),
    "api_tokens:revoke": Row("login 404 405 405 405 405", "login 404 404 404 302 404"),
    "config:index": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    # Time on tickets: every staff member sees it; agents log time and change their own
    # entries (administrators anyone's); the panel answers htmx only, else redirects.
    "timekeeping:panel": Row("login 404 302 302 302 302", "405 404 405 405 405 405"),
    "timekeeping:heartbeat": Row("405 404 405 405 405 405", "login 404 403 200 200 200"),
    "timekeeping:add": Row("login 404 403 200 200 200", "login 404 403 200 200 200"),
    "timekeeping:edit": Row("login 404 403 403 200 200", "login 404 403 403 200 200"),
    "timekeeping:delete": Row("405 404 405 405 405 405", "login 404 403 403 302 302"),
    # Reports: every staff member reads them; nothing to post.
    "reports:index": Row("login 404 200 200 200 200", "login 404 405 405 405 405"),
    "reports:json": Row("login 404 200 200 200 200", "login 404 405 405 405 405"),
    "reports:csv": Row("login 404 200 200 200 200", "login 404 405 405 405 405"),
    "reports:customer": Row("login 404 200 200 200 200", "login 404 405 405 405 405"),
    "reports:customer_csv": Row("login 404 200 200 200 200", "login 404 405 405 405 405"),
    "sla:business_hours": Row("login 404 403 403 403 200", "login 404 403 403 403 405"),
    "sla:save_schedule": Row("login 404 403 403 403 405", "login 404 403 403 403 200"),
    "sla:save_holidays": Row("login 404 403 403 403 405", "login 404 403 403 403 302"),
    "sla:add_closed_day": Row("login 404 403 403 403 405", "login 404 403 403 403 200"),
    "sla:remove_closed_day": Row("login 404 403 403 403 405", "login 404 403 403 403 302"),
    "config_accounts:users": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "config_accounts:user_create": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "config_accounts:user_edit": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "config_accounts:user_set_active": Row(
        "login 404 403 403 403 405", "login 404 403 403 403 302"
    ),
    "config_accounts:user_send_link": Row("login 404 403 403 403 405", "login 404 403 403 403 302"),
    "config_accounts:teams": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "config_accounts:team_create": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "config_accounts:team_edit": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "config_accounts:team_set_active": Row(
        "login 404 403 403 403 405", "login 404 403 403 403 302"
    ),
    "config_mail_filters:list": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "config_mail_filters:create": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "config_mail_filters:edit": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "config_mail_filters:move": Row("login 404 403 403 403 405", "login 404 403 403 403 302"),
    "config_mail_filters:set_active": Row("login 404 403 403 403 405", "login 404 403 403 403 302"),
    "config_mail_filters:delete": Row("login 404 403 403 403 405", "login 404 403 403 403 302"),
    "config_mailboxes:list": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "config_mailboxes:create": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "config_mailboxes:fetch_now": Row("405 404 405 405 405 405", "login 404 403 403 403 302"),
    "config_mailboxes:edit": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "config_mailboxes:delete": Row("405 404 405 405 405 405", "login 404 403 403 403 302"),
    "config_mailboxes:test": Row("405 404 405 405 405 405", "login 404 403 403 403 302"),
    "config_notifications:list": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "config_notifications:edit": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "config_notifications:reset": Row("login 404 403 403 403 302", "login 404 403 403 403 302"),
    "config_support:statuses": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "config_support:priorities": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "config_support:categories": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "config_support:reply-templates": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "config_support:ticket-templates": Row(
        "login 404 403 403 403 200", "login 404 403 403 403 200"
    ),
    "config_support:create": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "config_support:edit": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "config_support:move": Row("login 404 403 403 403 405", "login 404 403 403 403 302"),
    "config_support:set_active": Row("login 404 403 403 403 405", "login 404 403 403 403 302"),
    "config_support:delete": Row("login 404 403 403 403 405", "login 404 403 403 403 302"),
    # The dashboard for staff.
    "core:home": Row("login 404 200 200 200 200", "login 404 405 405 405 405"),
    "customers:list": Row("login 404 200 200 200 200", "login 404 200 200 200 200"),
    "customers:search": Row("login 404 200 200 200 200", "login 404 200 200 200 200"),
    "customers:create": Row("login 404 403 200 200 200", "login 404 403 200 200 200"),
    "customers:detail": Row("login 404 200 200 200 200", "login 404 200 200 200 200"),
    "customers:edit": Row("login 404 403 200 200 200", "login 404 403 200 200 200"),
    "customers:contact_create": Row("login 404 403 200 200 200", "login 404 403 200 200 200"),
    "customers:contact_edit": Row("login 404 403 200 200 200", "login 404 403 200 200 200"),
    "customers:note_create": Row("login 404 403 200 200 200", "login 404 403 200 200 200"),
    "customers:note_edit": Row("login 404 403 200 200 200", "login 404 403 200 200 200"),
    "customers:note_delete": Row("login 404 405 405 405 405", "login 404 403 302 302 302"),
    "customers:import": Row("login 404 403 200 200 200", "login 404 403 200 200 200"),
    "customers:import_preview": Row("login 404 403 302 302 302", "login 404 403 302 302 302"),
    # Support contracts: every staff member reads them on the customer page; administrators
    # create, edit, credit and debit them and set the points settings.
    "contracts:create": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "contracts:detail": Row("login 404 200 200 200 200", "login 404 405 405 405 405"),
    "contracts:edit": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "contracts:movement_add": Row("login 404 403 403 403 405", "login 404 403 403 403 400"),
    "contracts:ledger_csv": Row("login 404 200 200 200 200", "login 404 405 405 405 405"),
    "ticket_points:panel": Row("login 404 302 302 302 302", "login 404 405 405 405 405"),
    "points:settings": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "customers:import_confirm": Row("login 404 405 405 405 405", "login 404 403 302 302 302"),
    "inbound:list": Row("login 404 200 200 200 200", "login 404 200 200 200 200"),
    "inbound:detail": Row("login 404 200 200 200 200", "login 404 200 200 200 200"),
    "inbound:raw": Row("login 404 200 200 200 200", "login 404 200 200 200 200"),
    "inbound:create_ticket": Row(
        "login 404 405 405 405 405",
        "login 404 403 302 302 302",
        lambda w: {"customer": w.objects["customer"].number},
    ),
    "inbound:append": Row(
        "login 404 405 405 405 405",
        "login 404 403 302 302 302",
        lambda w: {"ticket": str(w.objects["ticket"].number)},
    ),
    "inbound:discard": Row("login 404 405 405 405 405", "login 404 403 302 302 302"),
    "outbox:list": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "outbox:retry": Row("405 404 405 405 405 405", "login 404 403 403 403 302"),
    "outbox:retry_failed": Row("405 404 405 405 405 405", "login 404 403 403 403 302"),
    "tickets:list": Row("login 404 200 200 200 200", "login 404 302 302 302 302"),
    "tickets:export": Row("login 404 200 200 200 200", "login 404 200 200 200 200"),
    "tickets:bulk": Row("login 404 405 405 405 405", "login 404 403 302 302 302"),
    "tickets:new": Row("login 404 403 200 200 200", "login 404 403 200 200 200"),
    "tickets:detail": Row("login 404 200 200 200 200", "login 404 200 200 200 200"),
    "config_webhooks:list": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "config_webhooks:create": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "config_webhooks:edit": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "config_webhooks:rotate": Row("405 404 405 405 405 405", "login 404 403 403 403 302"),
    "config_webhooks:test": Row("405 404 405 405 405 405", "login 404 403 403 403 302"),
    "config_webhooks:delete": Row("405 404 405 405 405 405", "login 404 403 403 403 302"),
    # Read marks are each user's own, so read-only users keep them too (400: no `seen`).
    "tickets:read": Row("405 404 405 405 405 405", "login 404 400 400 400 400"),
    "tickets:fields": Row("login 404 403 200 200 200", "login 404 403 200 200 200"),
    "tickets:accept": Row("405 404 405 405 405 405", "login 404 403 302 302 302"),
    "tickets:assign": Row("405 404 405 405 405 405", "login 404 403 302 302 302"),
    "tickets:assign_to_me": Row("405 404 405 405 405 405", "login 404 403 302 302 302"),
    "tickets:free": Row("405 404 405 405 405 405", "login 404 403 302 302 302"),
    "tickets:reply": Row(
        "405 404 405 405 405 405",
        "login 404 403 302 302 302",
        lambda w: {"text": "Thanks, fixed."},
    ),
    "tickets:note": Row(
        "405 404 405 405 405 405",
        "login 404 403 302 302 302",
        lambda w: {"text": "Called the customer."},
    ),
    "tickets:reply_template": Row("login 404 403 204 204 204", "login 404 403 204 204 204"),
    "tickets:cc_add": Row(
        "405 404 405 405 405 405",
        "login 404 403 302 302 302",
        lambda w: {"email": "boss@customer.example"},
    ),
    "tickets:cc_remove": Row(
        "405 404 405 405 405 405",
        "login 404 403 302 302 302",
        lambda w: {"email": "cc@customer.example"},
    ),
    "tickets:attachment": Row("login 404 200 200 200 200", "login 404 200 200 200 200"),
    # The customer portal is off in this world: every /portal URL answers 404 (its own
    # isolation matrix with the portal on: tests/portal/test_isolation.py).
    "portal:login": Row("404 404 404 404 404 404", "404 404 404 404 404 404"),
    "portal:logout": Row("404 404 404 404 404 404", "404 404 404 404 404 404"),
    "portal:language": Row("404 404 404 404 404 404", "404 404 404 404 404 404"),
    "portal:password_reset": Row("404 404 404 404 404 404", "404 404 404 404 404 404"),
    "portal:password_reset_sent": Row("404 404 404 404 404 404", "404 404 404 404 404 404"),
    "portal:set_password": Row("404 404 404 404 404 404", "404 404 404 404 404 404"),
    "portal:tickets": Row("404 404 404 404 404 404", "404 404 404 404 404 404"),
    "portal:new": Row("404 404 404 404 404 404", "404 404 404 404 404 404"),
    "portal:switch_customer": Row("404 404 404 404 404 404", "404 404 404 404 404 404"),
    "portal:ticket": Row("404 404 404 404 404 404", "404 404 404 404 404 404"),
    "portal:reply": Row("404 404 404 404 404 404", "404 404 404 404 404 404"),
    "portal:close": Row("404 404 404 404 404 404", "404 404 404 404 404 404"),
    "portal:attachment": Row("404 404 404 404 404 404", "404 404 404 404 404 404"),
    "portal_config:settings": Row("login 404 403 403 403 200", "login 404 403 403 403 200"),
    "portal_config:invite": Row("login 404 403 403 403 405", "login 404 403 403 403 302"),
}


def matrix_urls(world: World) -> dict[str, Url]:
    return {
        url.name: url
        for url in concrete_urls(world)
        if not url.is_admin_site
        and url.name not in NOT_IN_MATRIX
        and not url.name.startswith(API_NAMESPACE)
    }


@pytest.fixture
def world(settings: Settings) -> World:
    return World.build(settings)


class _Rollback(Exception):
    pass


def answer(response: HttpResponseBase) -> str:
    if response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")):
        return "login"
    return str(response.status_code)


def ask(world: World, role: str, method: str, path: str, data: dict[str, Any]) -> str:
    """One request as `role`, its effects rolled back; the answer as written in MATRIX."""
    result = ""
    try:
        with transaction.atomic():
            client = Client()
            if (user := world.users[role]) is not None:
                client.force_login(user)
            response = client.get(path) if method == "GET" else client.post(path, data)
            result = answer(response)
            close_keeping_connection(response)
            raise _Rollback
    except _Rollback:
        pass
    return result


# --- the tests ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_url_has_a_row_and_every_row_a_url(world: World) -> None:
    urls = set(matrix_urls(world))
    assert sorted(urls - MATRIX.keys()) == [], "new URLs: add a row to MATRIX"
    assert sorted(MATRIX.keys() - urls) == [], "rows for URLs that no longer exist"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(name: str, world: World) -> None:
    url = matrix_urls(world).get(name)
    if url is None:
        pytest.fail(f"{name} is no longer in the URL conf")
    row = MATRIX[name]
    data = row.data(world)
    actual = {
        method: " ".join(ask(world, role, method, url.path, data) for role in ROLES)
        for method in ("GET", "POST")
    }
    found = f'{name} ({url.path}) answers Row("{actual["GET"]}", "{actual["POST"]}", ...)'
    assert actual == {"GET": row.get, "POST": row.post}, found
