"""The portal's isolation matrix: every portal URL × who asks, with the expected answer.

The URLs come from walking the URL conf's `portal` namespace, so a new portal URL without a
row in MATRIX fails `test_every_portal_url_has_a_row`. Columns, in the order of ASKERS:

    portal admin contact of customer A · plain contact of A who is not on the ticket ·
    contact of customer B · anonymous

An answer is an HTTP status, `login` for a redirect to the portal's sign-in page, or `302`
for any other redirect. Every request runs in a transaction that is rolled back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.http import HttpResponseBase
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.connections import close_keeping_connection
from tests.portal.conftest import Portal, portal_contact, signed_in_client

ASKERS = ("admin_a", "plain_a", "contact_b", "anonymous")


@dataclass(frozen=True)
class Row:
    get: str
    post: str
    data: Callable[[Portal], dict[str, Any]] = field(default=lambda p: {})


MATRIX: dict[str, Row] = {
    # Signed-in contacts go on to their tickets; visitors get the form.
    "login": Row("302 302 302 200", "302 302 302 200"),
    "logout": Row("405 405 405 405", "302 302 302 302"),
    "language": Row("405 405 405 405", "302 302 302 302", lambda p: {"language": "de"}),
    "password_reset": Row("200 200 200 200", "200 200 200 200"),
    "password_reset_sent": Row("200 200 200 200", "405 405 405 405"),
    # A valid link moves its token into the session and redirects (Django's flow).
    "set_password": Row("302 302 302 302", "302 302 302 302"),
    "tickets": Row("200 200 200 login", "405 405 405 login"),
    "new": Row("200 200 200 login", "200 200 200 login"),
    "switch_customer": Row(
        "405 405 405 login", "302 302 404 login", lambda p: {"customer": p.customer_a.pk}
    ),
    "ticket": Row("200 404 404 login", "405 405 405 login"),
    "reply": Row("405 405 405 login", "302 404 404 login", lambda p: {"text": "Still broken."}),
    "close": Row("405 405 405 login", "302 404 404 login"),
    "attachment": Row("200 404 404 login", "405 405 405 login"),
}


def portal_routes() -> dict[str, str]:
    """{url name: route} of every pattern in the `portal` namespace."""
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "portal":
            prefix = str(pattern.pattern)
            return {
                p.name: prefix + str(p.pattern)
                for p in pattern.url_patterns
                if isinstance(p, URLPattern)
            }
    raise LookupError("no portal namespace in the URL conf")


def concrete_path(route: str, portal: Portal) -> str:
    # The link of a contact nobody in the matrix signs in as: a sign-in spends the token.
    user = portal_contact([portal.customer_a]).user
    values = {
        "number": str(portal.ticket.number),
        "pk": str(portal.ticket.attachments.get(name="howto.txt").pk),
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m[1]], route)


def answer(response: HttpResponseBase) -> str:
    if response.status_code == 302 and response["Location"].startswith(
        reverse("portal:login") + "?"
    ):
        return "login"
    return str(response.status_code)


class _Rollback(Exception):
    pass


def ask(portal: Portal, asker: str, method: str, path: str, data: dict[str, Any]) -> str:
    result = ""
    try:
        with transaction.atomic():
            contact = None if asker == "anonymous" else getattr(portal, asker)
            client = signed_in_client(contact)
            response = client.get(path) if method == "GET" else client.post(path, data)
            result = answer(response)
            close_keeping_connection(response)
            raise _Rollback
    except _Rollback:
        pass
    return result


def test_every_portal_url_has_a_row_and_every_row_a_url(db: None) -> None:
    names = set(portal_routes())
    assert sorted(names - MATRIX.keys()) == [], "new portal URLs: add a row to MATRIX"
    assert sorted(MATRIX.keys() - names) == [], "rows for portal URLs that no longer exist"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_isolation_matrix(name: str, portal: Portal) -> None:
    path = concrete_path(portal_routes()[name], portal)
    row = MATRIX[name]
    data = row.data(portal)
    actual = {
        method: " ".join(ask(portal, asker, method, path, data) for asker in ASKERS)
        for method in ("GET", "POST")
    }
    found = f'{name} ({path}) answers Row("{actual["GET"]}", "{actual["POST"]}", ...)'
    assert actual == {"GET": row.get, "POST": row.post}, found


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_every_portal_url_answers_404_while_the_portal_is_off(name: str, portal: Portal) -> None:
    from ticketdesk.portal.services import save_portal_settings

    save_portal_settings(is_enabled=False, instance_name="", welcome_de="", welcome_en="")
    path = concrete_path(portal_routes()[name], portal)
    row = MATRIX[name]
    for asker in ASKERS:
        for method in ("GET", "POST"):
            assert ask(portal, asker, method, path, row.data(portal)) == "404", (asker, method)
