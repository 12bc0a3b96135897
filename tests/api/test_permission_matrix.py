"""Every API endpoint × role and token state, with the expected status.

The endpoints come from the API's own OpenAPI schema, so a new endpoint without a row in
MATRIX fails `test_every_endpoint_has_a_row`. Columns, in the order of CALLERS:

    administrator · agent · read-only · portal login · no token · revoked token · expired token

Writes are sent with a valid body and rolled back after each request, so every caller
meets the same data; the answer checked is the authorization decision.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.connections import close_keeping_connection
from tests.customers.factories import ContactFactory, CustomerFactory
from tests.tickets.factories import TicketFactory, priority
from ticketdesk.api.services import create_token, revoke_token
from ticketdesk.api.v1 import api
from ticketdesk.tickets import services

pytestmark = pytest.mark.django_db

CALLERS = ("administrator", "agent", "read_only", "portal", "none", "revoked", "expired")
READ = "200 200 200 403 401 401 401"
WRITE = "200 200 403 403 401 401 401"
CREATE = "201 201 403 403 401 401 401"


@dataclass
class World:
    tokens: dict[str, str | None]
    objects: dict[str, Any]


@dataclass(frozen=True)
class Row:
    expected: str
    body: Callable[[World], Any] | None = None


def _path(template: str, world: World) -> str:
    objects = world.objects
    return (
        template.replace("{number}", str(objects["ticket"].number))
        .replace("{pk}", str(objects["pk_for"](template)))
        .removeprefix("/api/v1")
    )


MATRIX: dict[tuple[str, str], Row] = {
    ("GET", "/api/v1/tickets"): Row(READ),
    ("POST", "/api/v1/tickets"): Row(
        CREATE, lambda w: {"customer": w.objects["customer"].pk, "subject": "Printer"}
    ),
    ("GET", "/api/v1/tickets/{number}"): Row(READ),
    ("PATCH", "/api/v1/tickets/{number}"): Row(WRITE, lambda w: {"priority": priority("High").pk}),
    # The ticket is the agent's: the agent accepts it, anyone else loses the race (409).
    ("POST", "/api/v1/tickets/{number}/accept"): Row("409 200 403 403 401 401 401"),
    ("POST", "/api/v1/tickets/{number}/assign"): Row(
        WRITE, lambda w: {"agent": w.objects["agent"].pk}
    ),
    # The world's ticket is assigned, so freeing it works.
    ("POST", "/api/v1/tickets/{number}/free"): Row(WRITE, lambda w: {}),
    ("POST", "/api/v1/tickets/{number}/close"): Row(WRITE, lambda w: {}),
    # Reopening an open ticket is refused by the domain rule (400) once allowed at all.
    ("POST", "/api/v1/tickets/{number}/reopen"): Row("400 400 403 403 401 401 401", lambda w: {}),
    ("GET", "/api/v1/tickets/{number}/messages"): Row(READ),
    ("POST", "/api/v1/tickets/{number}/replies"): Row(CREATE, lambda w: {"text": "Fixed."}),
    ("POST", "/api/v1/tickets/{number}/notes"): Row(CREATE, lambda w: {"text": "Called."}),
    ("GET", "/api/v1/tickets/{number}/attachments/{pk}"): Row(READ),
    ("GET", "/api/v1/tickets/{number}/events"): Row(READ),
    ("GET", "/api/v1/tickets/{number}/time"): Row(READ),
    ("GET", "/api/v1/customers"): Row(READ),
    ("POST", "/api/v1/customers"): Row(CREATE, lambda w: {"number": "K-NEW", "name": "New"}),
    ("GET", "/api/v1/customers/{pk}"): Row(READ),
    ("PATCH", "/api/v1/customers/{pk}"): Row(WRITE, lambda w: {"city": "Bonn"}),
    ("GET", "/api/v1/customers/{pk}/contacts"): Row(READ),
    ("GET", "/api/v1/contacts"): Row(READ),
    ("POST", "/api/v1/contacts"): Row(
        CREATE, lambda w: {"name": "Max", "customers": [w.objects["customer"].pk]}
    ),
    ("GET", "/api/v1/contacts/{pk}"): Row(READ),
    ("PATCH", "/api/v1/contacts/{pk}"): Row(WRITE, lambda w: {"phone": "+49 1"}),
    ("GET", "/api/v1/statuses"): Row(READ),
    ("GET", "/api/v1/priorities"): Row(READ),
    ("GET", "/api/v1/categories"): Row(READ),
    ("GET", "/api/v1/subcategories"): Row(READ),
    ("GET", "/api/v1/teams"): Row(READ),
    ("GET", "/api/v1/users"): Row(READ),
    ("GET", "/api/v1/dashboard"): Row(READ),
    ("GET", "/api/v1/incoming"): Row(READ),
}


def endpoints() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
    }


@pytest.fixture
def world() -> World:
    agent = UserFactory(full_name="Agent")
    customer = CustomerFactory()
    ticket = TicketFactory(by=agent, customer=customer, assignee=agent)
    services.add_note(
        ticket,
        by=agent,
        text="Log.",
        attachments=[services.AttachmentInput(name="log.txt", content=b"x")],
    )
    contact = ContactFactory(customers=[customer])
    revoked = create_token(agent, name="revoked")
    revoke_token(revoked[0], by=agent)
    expired = create_token(agent, name="expired", expires_at=timezone.now() + datetime.timedelta(1))
    tokens = {
        "administrator": create_token(UserFactory(admin=True), name="t")[1],
        "agent": create_token(agent, name="t")[1],
        "read_only": create_token(UserFactory(read_only=True), name="t")[1],
        "portal": create_token(UserFactory(customer=True), name="t")[1],
        "none": None,
        "revoked": revoked[1],
        "expired": expired[1],
    }
    attachment = ticket.attachments.get()

    def pk_for(template: str) -> int:
        if "/attachments/" in template:
            return attachment.pk
        return contact.pk if template.startswith("/api/v1/contacts") else customer.pk

    objects = {
        "ticket": ticket,
        "customer": customer,
        "agent": agent,
        "pk_for": pk_for,
    }
    return World(tokens=tokens, objects=objects)


class _Rollback(Exception):
    pass


def ask(world: World, caller: str, method: str, path: str, body: Any) -> str:
    headers = {}
    if (token := world.tokens[caller]) is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    status = ""
    later = timezone.now() + datetime.timedelta(days=2)
    try:
        with (
            transaction.atomic(),
            time_machine.travel(later if caller == "expired" else timezone.now()),
        ):
            client = Client()
            call = getattr(client, method.lower())
            if body is None:
                response = call(f"/api/v1{path}", **headers)
            else:
                response = call(
                    f"/api/v1{path}",
                    data=json.dumps(body),
                    content_type="application/json",
                    **headers,
                )
            status = str(response.status_code)
            close_keeping_connection(response)
            raise _Rollback
    except _Rollback:
        pass
    return status


def test_every_endpoint_has_a_row_and_every_row_an_endpoint() -> None:
    found = endpoints()
    assert sorted(found - MATRIX.keys()) == [], "new endpoints: add a row to MATRIX"
    assert sorted(MATRIX.keys() - found) == [], "rows for endpoints that no longer exist"


@pytest.mark.parametrize(("method", "template"), sorted(MATRIX))
def test_permission_matrix(method: str, template: str, world: World) -> None:
    row = MATRIX[(method, template)]
    path = _path(template, world)
    body = row.body(world) if row.body else ({} if method != "GET" else None)
    actual = " ".join(ask(world, caller, method, path, body) for caller in CALLERS)
    assert actual == row.expected, f'{method} {template} answers "{actual}"'
