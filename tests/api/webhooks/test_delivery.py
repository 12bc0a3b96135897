"""Change-sets become signed deliveries to a real receiver: events, payload, signature, retries."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from tests.accounts.factories import UserFactory
from tests.tickets.factories import TicketFactory
from ticketdesk.api.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEvent
from ticketdesk.api.webhooks.sender import drain_deliveries
from ticketdesk.api.webhooks.services import queue_test_delivery
from ticketdesk.api.webhooks.tasks import send_webhooks
from ticketdesk.tickets import services

from .conftest import Subscribe
from .receiver import Receiver

pytestmark = pytest.mark.django_db


def verifies(secret: str, request_headers: dict[str, str], body: bytes) -> bool:
    """The README's verification, written out independently of the app's code."""
    parts = dict(p.split("=", 1) for p in request_headers["X-Ticketdesk-Signature"].split(","))
    mac = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(mac.hexdigest(), parts["v1"])


def test_new_ticket_is_delivered_signed_with_the_api_ticket_shape(
    receiver: Receiver, subscribe: Subscribe
) -> None:
    subscription = subscribe()
    ticket = TicketFactory()

    report = drain_deliveries()

    assert report.delivered == 1
    [request] = receiver.requests
    delivery = WebhookDelivery.objects.get()
    assert request.path == "/hooks/ticketdesk"
    assert verifies(subscription.secret, request.headers, request.body)
    assert request.headers["X-Ticketdesk-Event"] == "ticket.created"
    assert request.headers["Content-Type"] == "application/json"
    assert request.delivery_id == str(delivery.uuid)
    payload = request.json
    assert set(payload) == {"id", "event", "created_at", "data"}
    assert payload["id"] == str(delivery.uuid)
    assert payload["event"] == "ticket.created"
    assert payload["data"]["ticket"]["number"] == ticket.number
    assert payload["data"]["ticket"]["reference"] == ticket.reference
    assert payload["data"]["ticket"]["status"]["is_closed"] is False
    assert payload["data"]["message"]["text"] == ticket.messages.get().text
    assert delivery.status == DeliveryStatus.DELIVERED
    assert (delivery.status_code, delivery.response_snippet, delivery.attempts) == (200, "ok", 1)


def test_a_tampered_body_does_not_verify(receiver: Receiver, subscribe: Subscribe) -> None:
    subscription = subscribe()
    TicketFactory()
    drain_deliveries()

    [request] = receiver.requests
    assert not verifies(subscription.secret, request.headers, request.body + b" ")
    assert not verifies("whsec_other", request.headers, request.body)


def test_each_kind_of_change_sends_its_event(receiver: Receiver, subscribe: Subscribe) -> None:
    agent = UserFactory()
    ticket = TicketFactory(by=agent)
    subscribe()

    services.accept_ticket(ticket, by=agent)
    services.add_note(ticket, by=agent, text="Checked the line.")
    services.add_customer_message(ticket, text="Still broken.", email="kim@customer.example")
    services.close_ticket(ticket, by=agent)
    services.reopen_ticket(ticket, by=agent)
    drain_deliveries()

    events = [request.json["event"] for request in receiver.requests]
    assert events == [
        "ticket.updated",  # accepted
        "message.created",  # the note
        "message.created",  # the customer's message ...
        "ticket.updated",  # ... and the status it set automatically
        "ticket.closed",  # the close alone, not also "updated"
        "ticket.updated",  # reopened
    ]
    note = receiver.requests[1].json["data"]
    assert (note["message"]["kind"], note["message"]["text"]) == ("note", "Checked the line.")
    assert note["ticket"]["number"] == ticket.number
    customer = receiver.requests[2].json["data"]["message"]
    assert (customer["kind"], customer["author_email"]) == ("customer", "kim@customer.example")
    closed = receiver.requests[4].json["data"]
    assert closed["ticket"]["status"]["is_closed"] is True
    assert "message" not in closed


def test_reply_and_close_sends_message_and_close(receiver: Receiver, subscribe: Subscribe) -> None:
    agent = UserFactory()
    ticket = TicketFactory(by=agent)
    subscribe()

    services.add_reply(ticket, by=agent, text="Fixed, line replaced.", close=True)
    drain_deliveries()

    assert [r.json["event"] for r in receiver.requests] == ["message.created", "ticket.closed"]
    assert len(set(receiver.delivery_ids())) == 2


def test_only_chosen_events_of_active_subscriptions_are_queued(
    receiver: Receiver, subscribe: Subscribe
) -> None:
    agent = UserFactory()
    closing = subscribe(events=[WebhookEvent.TICKET_CLOSED])
    subscribe(is_active=False)
    rating = subscribe(events=[WebhookEvent.RATING_CREATED])

    ticket = TicketFactory(by=agent)
    services.close_ticket(ticket, by=agent)

    assert list(WebhookDelivery.objects.values_list("subscription", "event")) == [
        (closing.pk, "ticket.closed")
    ]
    assert not rating.deliveries.exists()


def test_rolled_back_change_queues_no_delivery(receiver: Receiver, subscribe: Subscribe) -> None:
    agent = UserFactory()
    ticket = TicketFactory(by=agent)
    subscribe()
    WebhookDelivery.objects.all().delete()

    written = []

    def reply_then_fail() -> None:
        with transaction.atomic():
            services.add_reply(ticket, by=agent, text="This reply never happened.")
            written.append(WebhookDelivery.objects.exists())
            raise RuntimeError

    with pytest.raises(RuntimeError):
        reply_then_fail()

    assert written == [True]  # written with the change ...
    assert not WebhookDelivery.objects.exists()  # ... and gone with it
    assert drain_deliveries().claimed == 0
    assert receiver.requests == []


@pytest.mark.django_db(transaction=True)
def test_rolled_back_change_is_never_delivered_after_a_real_commit_of_others(
    receiver: Receiver, subscribe: Subscribe
) -> None:
    agent = UserFactory()
    ticket = TicketFactory(by=agent)
    subscribe()

    def close_then_fail() -> None:
        with transaction.atomic():
            services.close_ticket(ticket, by=agent)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        close_then_fail()
    services.add_note(ticket, by=agent, text="Committed.")
    drain_deliveries()

    assert [r.json["event"] for r in receiver.requests] == ["message.created"]
    assert receiver.requests[0].json["data"]["message"]["text"] == "Committed."
    # The commit asked the task worker for a sender run.
    assert DBTaskResult.objects.filter(task_path=send_webhooks.module_path).exists()


def test_server_error_is_retried_with_exponential_backoff_and_the_same_id(
    receiver: Receiver, subscribe: Subscribe, settings: Settings
) -> None:
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    subscription = subscribe()
    receiver.answer_with((500, "database down"), (503, "still down"), (200, "thanks"))
    TicketFactory()
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        first = drain_deliveries()
    delivery = WebhookDelivery.objects.get()
    after_first = (delivery.status, delivery.status_code, delivery.next_attempt_at)
    with time_machine.travel(start + timedelta(seconds=29), tick=False):
        too_early = drain_deliveries()
    with time_machine.travel(start + timedelta(seconds=31), tick=False):
        second = drain_deliveries()
    delivery.refresh_from_db()
    after_second = delivery.next_attempt_at
    with time_machine.travel(start + timedelta(seconds=31 + 59), tick=False):
        still_waiting = drain_deliveries()
    with time_machine.travel(start + timedelta(seconds=31 + 61), tick=False):
        third = drain_deliveries()

    assert (first.retried, too_early.claimed, second.retried) == (1, 0, 1)
    assert (still_waiting.claimed, third.delivered) == (0, 1)
    assert after_first == (DeliveryStatus.QUEUED, 500, start + timedelta(seconds=30))
    assert after_second == start + timedelta(seconds=31 + 60)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.status_code) == ("delivered", 3, 200)
    assert delivery.response_snippet == "thanks"
    assert len(set(receiver.delivery_ids())) == 1
    assert len({r.body for r in receiver.requests}) == 1  # the same body every time
    stamps = [r.headers["X-Ticketdesk-Signature"].split(",")[0] for r in receiver.requests]
    assert len(set(stamps)) == 3  # each attempt signed anew
    assert all(verifies(subscription.secret, r.headers, r.body) for r in receiver.requests)
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 0  # the success reset the count


def test_delivery_gives_up_after_the_last_attempt(
    receiver: Receiver, subscribe: Subscribe, settings: Settings
) -> None:
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    subscribe()
    receiver.answer_with((500, "no"))
    TicketFactory()
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        drain_deliveries()
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        last = drain_deliveries()

    assert last.failed == 1
    assert WebhookDelivery.objects.get().status == DeliveryStatus.FAILED


def test_response_snippet_is_cut_at_500_characters(
    receiver: Receiver, subscribe: Subscribe
) -> None:
    subscribe()
    receiver.answer_with((200, "x" * 2000))
    TicketFactory()

    drain_deliveries()

    assert len(WebhookDelivery.objects.get().response_snippet) == 500


def test_slow_receiver_times_out_and_is_retried(
    receiver: Receiver, subscribe: Subscribe, settings: Settings
) -> None:
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    receiver.delay = 1.0
    subscribe()
    TicketFactory()

    report = drain_deliveries()

    delivery = WebhookDelivery.objects.get()
    assert report.retried == 1
    assert delivery.status == DeliveryStatus.QUEUED
    assert "timed out" in delivery.last_error.lower()
    assert delivery.status_code is None


def test_refused_connection_is_retried(subscribe: Subscribe, receiver: Receiver) -> None:
    subscription = subscribe()
    subscription.url = "http://127.0.0.1:9/hook"  # nothing listens on the discard port
    subscription.save()
    TicketFactory()

    report = drain_deliveries()

    assert report.retried == 1
    assert "ConnectionRefusedError" in WebhookDelivery.objects.get().last_error


def test_send_test_delivers_a_ping_even_to_an_inactive_subscription(
    receiver: Receiver, subscribe: Subscribe
) -> None:
    subscription = subscribe(is_active=False)

    delivery = queue_test_delivery(subscription)
    drain_deliveries()

    [request] = receiver.requests
    assert request.json["event"] == "ping"
    assert request.json["data"]["subscription"]["id"] == subscription.pk
    assert request.delivery_id == str(delivery.uuid)
    assert verifies(subscription.secret, request.headers, request.body)


def test_failed_ping_is_tried_once_and_not_counted(
    receiver: Receiver, subscribe: Subscribe
) -> None:
    subscription = subscribe()
    receiver.answer_with((404, "no such hook"))

    queue_test_delivery(subscription)
    report = drain_deliveries()

    subscription.refresh_from_db()
    assert report.failed == 1
    assert subscription.consecutive_failures == 0
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.status_code) == ("failed", 404)


def test_deliveries_queued_before_a_subscription_was_switched_off_are_not_sent(
    receiver: Receiver, subscribe: Subscribe
) -> None:
    subscription = subscribe()
    TicketFactory()
    subscription.is_active = False
    subscription.save()

    report = drain_deliveries()

    assert report.failed == 1
    assert receiver.requests == []
    assert "inactive" in WebhookDelivery.objects.get().last_error


def test_rotated_secret_signs_waiting_deliveries(receiver: Receiver, subscribe: Subscribe) -> None:
    from ticketdesk.api.webhooks.services import rotate_secret

    subscription = subscribe()
    old = subscription.secret
    TicketFactory()
    rotate_secret(subscription)
    drain_deliveries()

    [request] = receiver.requests
    assert subscription.secret != old
    assert verifies(subscription.secret, request.headers, request.body)
    assert not verifies(old, request.headers, request.body)


def readme_verify() -> Callable[[str, str, bytes], bool]:
    """The verification snippet of the README's "Webhooks" section, as a receiver copies it."""
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    section = readme.split("\n## Webhooks\n", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(code, namespace)  # noqa: S102 -- our own README, to keep its snippet honest
    return namespace["verify"]


def test_the_readme_snippet_verifies_a_real_delivery(
    receiver: Receiver, subscribe: Subscribe
) -> None:
    verify = readme_verify()
    subscription = subscribe()
    TicketFactory()
    drain_deliveries()

    [request] = receiver.requests
    header = request.headers["X-Ticketdesk-Signature"]
    assert verify(subscription.secret, header, request.body)
    assert not verify(subscription.secret, header, request.body.replace(b"T-", b"X-"))
    assert not verify("whsec_wrong", header, request.body)
