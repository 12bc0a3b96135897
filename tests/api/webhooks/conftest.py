"""Webhook test helpers: a real receiver on loopback and subscriptions pointing at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from pytest_django.fixtures import Settings

from ticketdesk.api.webhooks.models import WebhookEvent, WebhookSubscription
from ticketdesk.api.webhooks.services import create_subscription

from .receiver import Receiver

ALL_EVENTS = [event.value for event in WebhookEvent]
Subscribe = Callable[..., WebhookSubscription]


@pytest.fixture
def receiver(settings: Settings) -> Iterator[Receiver]:
    """A receiver on 127.0.0.1; private addresses are allowed so it can be reached."""
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    with Receiver() as running:
        yield running


@pytest.fixture
def subscribe(receiver: Receiver) -> Subscribe:
    def subscribe(events: list[str] | None = None, **fields: object) -> WebhookSubscription:
        return create_subscription(url=receiver.url, events=events or ALL_EVENTS, **fields)

    return subscribe
