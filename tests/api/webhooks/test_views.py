"""Configuration → Webhooks: administrators create, edit, rotate, test and read the log."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.tickets.factories import TicketFactory
from ticketdesk.api.webhooks.models import WebhookDelivery, WebhookSubscription
from ticketdesk.api.webhooks.sender import drain_deliveries

from .conftest import Subscribe
from .receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(UserFactory(admin=True, language="en"))
    return client


def test_admin_creates_a_subscription_and_sees_its_secret(
    admin_client: Client, receiver: Receiver
) -> None:
    response = admin_client.post(
        reverse("config_webhooks:create"),
        {"url": receiver.url, "events": ["ticket.created", "message.created"], "is_active": "on"},
        follow=True,
    )

    subscription = WebhookSubscription.objects.get()
    assert subscription.events == ["ticket.created", "message.created"]
    assert subscription.is_active
    assert subscription.secret.startswith("whsec_")
    assert subscription.secret in response.text
    assert "X-Ticketdesk-Signature" in response.text


def test_events_are_required(admin_client: Client, receiver: Receiver) -> None:
    response = admin_client.post(reverse("config_webhooks:create"), {"url": receiver.url})

    assert "Choose at least one event." in response.text
    assert not WebhookSubscription.objects.exists()


def test_rating_event_is_accepted(admin_client: Client, receiver: Receiver) -> None:
    admin_client.post(
        reverse("config_webhooks:create"), {"url": receiver.url, "events": ["rating.created"]}
    )

    assert WebhookSubscription.objects.get().events == ["rating.created"]


def test_rotating_the_secret_replaces_it(admin_client: Client, subscribe: Subscribe) -> None:
    subscription = subscribe()
    old = subscription.secret

    response = admin_client.post(
        reverse("config_webhooks:rotate", args=[subscription.pk]), follow=True
    )

    subscription.refresh_from_db()
    assert subscription.secret != old
    assert subscription.secret in response.text
    assert old not in response.text


def test_send_test_queues_a_ping_and_the_log_shows_the_answer(
    admin_client: Client, subscribe: Subscribe, receiver: Receiver
) -> None:
    subscription = subscribe()
    receiver.answer_with((202, "accepted by the partner"))

    admin_client.post(reverse("config_webhooks:test", args=[subscription.pk]))
    drain_deliveries()
    page = admin_client.get(reverse("config_webhooks:edit", args=[subscription.pk]))

    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "ping"
    assert str(delivery.uuid) in page.text
    assert "202" in page.text
    assert "accepted by the partner" in page.text


def test_the_log_lists_only_this_subscriptions_deliveries(
    admin_client: Client, subscribe: Subscribe, receiver: Receiver
) -> None:
    mine = subscribe()
    other = subscribe()
    TicketFactory()
    theirs = other.deliveries.get()

    page = admin_client.get(
        reverse("config_webhooks:edit", args=[mine.pk]), headers={"HX-Request": "true"}
    )

    assert str(mine.deliveries.get().uuid) in page.text
    assert str(theirs.uuid) not in page.text
    assert 'id="delivery-log"' in page.text


def test_edit_and_delete(admin_client: Client, subscribe: Subscribe, receiver: Receiver) -> None:
    subscription = subscribe()
    url = reverse("config_webhooks:edit", args=[subscription.pk])

    admin_client.post(url, {"url": receiver.url + "/v2", "events": ["ticket.closed"]})
    subscription.refresh_from_db()
    edited = (subscription.url, subscription.events, subscription.is_active)
    admin_client.post(reverse("config_webhooks:delete", args=[subscription.pk]))

    assert edited == (receiver.url + "/v2", ["ticket.closed"], False)
    assert not WebhookSubscription.objects.exists()


def test_list_page_shows_subscriptions(admin_client: Client, subscribe: Subscribe) -> None:
    subscription = subscribe()

    page = admin_client.get(reverse("config_webhooks:list"))

    assert subscription.url in page.text


# Customer logins never see agent pages: 404 while the portal is off (tests/portal).
@pytest.mark.parametrize(
    ("role", "refused"), [({}, 403), ({"read_only": True}, 403), ({"customer": True}, 404)]
)
def test_only_administrators_may_open_the_page(role: dict[str, bool], refused: int) -> None:
    client = Client()
    client.force_login(UserFactory(**role))

    assert client.get(reverse("config_webhooks:list")).status_code == refused


def test_the_page_is_linked_from_configuration(admin_client: Client) -> None:
    page = admin_client.get(reverse("config:index"))

    assert reverse("config_webhooks:list") in page.text


def test_the_page_opens_for_a_german_administrator(subscribe: Subscribe) -> None:
    client = Client()
    client.force_login(UserFactory(admin=True, language="de"))

    page = client.get(reverse("config_webhooks:list"))

    assert page.status_code == 200
    assert 'lang="de"' in page.text
