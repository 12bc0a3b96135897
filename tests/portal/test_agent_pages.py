"""A customer login never reaches an agent page: every URL of the URL conf outside /portal/."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from tests.portal.conftest import portal_contact
from tests.urlconf import World, concrete_urls
from ticketdesk.portal.services import save_portal_settings

pytestmark = pytest.mark.django_db

# The public health check answers everyone alike (no agent data); signing out must work
# for a customer login even while the portal (and its own sign-out) is switched off.
OPEN_TO_EVERYONE = {"core:healthz", "accounts:logout"}


def agent_urls(world: World) -> list[tuple[str, str]]:
    return [
        (url.name, url.path)
        for url in concrete_urls(world)
        if not url.path.startswith("/portal/") and url.name not in OPEN_TO_EVERYONE
    ]


@pytest.fixture
def world(settings: Settings) -> World:
    return World.build(settings)


@pytest.mark.parametrize("portal_enabled", [True, False], ids=["portal on", "portal off"])
def test_customer_login_gets_no_agent_page(world: World, portal_enabled: bool) -> None:
    save_portal_settings(
        is_enabled=portal_enabled, instance_name="Acme", welcome_de="", welcome_en=""
    )
    contact = portal_contact([world.objects["customer"]], admin=True)
    client = Client()
    client.force_login(contact.user)
    expected = "302 /portal/" if portal_enabled else "404"
    wrong = {}
    for name, path in agent_urls(world):
        for method in ("GET", "POST"):
            response = client.get(path) if method == "GET" else client.post(path)
            got = str(response.status_code)
            if response.status_code == 302:
                got += " " + response["Location"]
            if got != expected:
                wrong[f"{method} {name} {path}"] = got
    assert wrong == {}
    assert len(agent_urls(world)) > 50


def test_demo_style_customer_login_at_the_agent_sign_in_ends_in_the_portal(
    world: World,
) -> None:
    save_portal_settings(is_enabled=True, instance_name="Acme", welcome_de="", welcome_en="")
    contact = portal_contact([world.objects["customer"]])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post(reverse("accounts:login"), {"username": contact.email, "password": "x"})
    client.force_login(contact.user)

    final = client.get("/", follow=True)

    assert final.redirect_chain[-1][0] == reverse("portal:tickets")
    page = final.content.decode()
    assert "My tickets" in page
    assert 'aria-label="Main menu"' not in page
