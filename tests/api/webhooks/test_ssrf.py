"""SSRF: only http(s) to public addresses, checked after DNS at save time and at delivery time."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from tests.accounts.factories import UserFactory
from tests.tickets.factories import TicketFactory
from ticketdesk.api.webhooks.forms import SubscriptionForm
from ticketdesk.api.webhooks.models import WebhookDelivery, WebhookSubscription
from ticketdesk.api.webhooks.sender import drain_deliveries
from ticketdesk.api.webhooks.urlcheck import is_public

from .conftest import Subscribe
from .receiver import Receiver

# Names resolved by the fake DNS below: a public one and one that points inside.
FAKE_DNS = {
    "hooks.partner.example": "93.184.216.34",
    "internal.partner.example": "10.20.30.40",
    "rebind.partner.example": "93.184.216.34",
}


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    real: Callable[..., Any] = socket.getaddrinfo
    records = dict(FAKE_DNS)

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in records:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (records[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return records


def form_errors(url: str) -> list[str]:
    form = SubscriptionForm({"url": url, "events": ["ticket.created"], "is_active": "on"})
    return [] if form.is_valid() else form.errors.get("url", [])


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://[::1]/hook",
        "http://10.0.0.5/hook",
        "http://172.16.3.4/hook",
        "http://192.168.1.10/hook",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://100.64.0.1/hook",  # carrier-grade NAT
        "http://0.0.0.0/hook",
        "http://[fd00::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "https://internal.partner.example/hook",  # a public-looking name, a private address
    ],
)
@pytest.mark.django_db
def test_non_public_addresses_are_refused_with_a_clear_message(
    url: str, fake_dns: dict[str, str], settings: Settings
) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False

    [error] = form_errors(url)

    assert "non-public address" in error


@pytest.mark.parametrize("url", ["ftp://hooks.partner.example/x", "file:///etc/passwd"])
@pytest.mark.django_db
def test_only_http_and_https_are_accepted(url: str, fake_dns: dict[str, str]) -> None:
    errors = form_errors(url)

    assert errors
    assert not WebhookSubscription.objects.exists()


@pytest.mark.django_db
def test_public_address_is_accepted(fake_dns: dict[str, str], settings: Settings) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False

    assert form_errors("https://hooks.partner.example/ticketdesk") == []


@pytest.mark.django_db
def test_unresolvable_host_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dns(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "unknown")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)

    [error] = form_errors("https://nowhere.partner.example/hook")

    assert "cannot be resolved" in error


@pytest.mark.django_db
def test_the_setting_allows_private_receivers(settings: Settings) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True

    assert form_errors("http://127.0.0.1:8000/hook") == []


@pytest.mark.django_db
def test_admin_sees_the_refusal_on_the_page(settings: Settings) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    client = Client()
    client.force_login(UserFactory(admin=True))

    response = client.post(
        "/config/webhooks/new/",
        {"url": "http://127.0.0.1:8000/hook", "events": ["ticket.created"]},
    )

    assert response.status_code == 200
    assert "non-public address" in response.text
    assert not WebhookSubscription.objects.exists()


@pytest.mark.django_db
def test_delivery_checks_the_address_again_and_sends_nothing_inside(
    receiver: Receiver, subscribe: Subscribe, settings: Settings
) -> None:
    subscribe()  # saved while private receivers were allowed
    TicketFactory()
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False

    report = drain_deliveries()

    delivery = WebhookDelivery.objects.get()
    assert report.failed == 1  # refused for good, not retried
    assert receiver.requests == []
    assert "non-public address" in delivery.last_error


@pytest.mark.django_db
def test_a_name_that_turns_private_after_saving_is_refused_at_delivery(
    fake_dns: dict[str, str], subscribe: Subscribe, receiver: Receiver, settings: Settings
) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    subscription = subscribe()
    subscription.url = "https://rebind.partner.example/hook"
    subscription.save()
    fake_dns["rebind.partner.example"] = "192.168.0.7"  # DNS rebinding
    TicketFactory()

    drain_deliveries()

    assert "192.168.0.7" in WebhookDelivery.objects.get().last_error


def test_public_address_rules() -> None:
    assert is_public("93.184.216.34")
    assert is_public("2606:2800:220:1:248:1893:25c8:1946")
    assert not is_public("::ffff:10.0.0.1")
    assert not is_public("224.0.0.1")
    assert not is_public("fe80::1%eth0")
