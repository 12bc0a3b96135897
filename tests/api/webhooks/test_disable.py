"""A subscription that keeps failing is switched off, and the administrators are told by e-mail."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from pytest_django.fixtures import Settings

from tests.accounts.factories import UserFactory
from tests.tickets.factories import TicketFactory
from ticketdesk.api.webhooks.models import WebhookDelivery
from ticketdesk.api.webhooks.sender import drain_deliveries
from ticketdesk.api.webhooks.services import (
    prune_delivery_log,
    queue_test_delivery,
    update_subscription,
)
from ticketdesk.outbox.models import OutboundMail
from ticketdesk.tickets import services

from .conftest import Subscribe
from .receiver import Receiver

pytestmark = pytest.mark.django_db


def test_subscription_is_disabled_after_n_failures_in_a_row_and_admins_get_one_notice(
    receiver: Receiver, subscribe: Subscribe, settings: Settings
) -> None:
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    admin = UserFactory(admin=True, email="boss@example.com", language="en")
    UserFactory(admin=True, email="gone@example.com", is_active=False)
    agent = UserFactory(email="agent@example.com")
    subscription = subscribe()
    receiver.answer_with((500, "broken"))
    ticket = TicketFactory(by=agent)
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        drain_deliveries()  # failure 1
        services.add_note(ticket, by=agent, text="One.")
        services.add_note(ticket, by=agent, text="Two.")
        drain_deliveries()  # failures 2 and 3: disabled
    OutboundMail.objects.filter(to=["agent@example.com"]).delete()
    services.add_note(ticket, by=agent, text="After disabling.")
    with time_machine.travel(start + timedelta(days=1), tick=False):
        later = drain_deliveries()

    subscription.refresh_from_db()
    assert not subscription.is_active
    assert subscription.disabled_at == start
    assert subscription.consecutive_failures == 3
    assert WebhookDelivery.objects.count() == 3  # none queued once disabled
    # The queued retries of a disabled subscription are not sent again.
    assert later.delivered == 0
    assert len(receiver.requests) == 3
    [notice] = OutboundMail.objects.filter(reference=f"webhook-{subscription.pk}")
    assert notice.to == [admin.email]
    assert subscription.url in notice.subject
    assert "3 failed delivery attempts" in notice.text_body
    assert f"/config/webhooks/{subscription.pk}/" in notice.text_body


def test_notice_is_in_the_administrators_language(
    receiver: Receiver, subscribe: Subscribe, settings: Settings
) -> None:
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 1
    UserFactory(admin=True, email="chefin@example.com", language="de")
    subscribe()
    receiver.answer_with((500, "broken"))
    TicketFactory()

    drain_deliveries()

    notice = OutboundMail.objects.get(to=["chefin@example.com"])
    assert notice.language == "de"


def test_a_success_resets_the_failure_count(
    receiver: Receiver, subscribe: Subscribe, settings: Settings
) -> None:
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 2
    agent = UserFactory()
    subscription = subscribe()
    receiver.answer_with((500, "broken"), (200, "ok"), (500, "broken"), (200, "ok"))
    ticket = TicketFactory(by=agent)
    services.add_note(ticket, by=agent, text="Second.")
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        drain_deliveries()  # the ticket fails, the note goes through
    subscription.refresh_from_db()
    after_success = subscription.consecutive_failures
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        drain_deliveries()  # the ticket's retry fails: one in a row, below the limit

    subscription.refresh_from_db()
    assert after_success == 0
    assert subscription.is_active
    assert subscription.consecutive_failures == 1
    assert not OutboundMail.objects.filter(reference=f"webhook-{subscription.pk}").exists()


def test_switching_a_disabled_subscription_on_starts_a_new_count(
    receiver: Receiver, subscribe: Subscribe, settings: Settings
) -> None:
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 1
    subscription = subscribe()
    receiver.answer_with((500, "broken"))
    TicketFactory()
    drain_deliveries()
    subscription.refresh_from_db()

    update_subscription(
        subscription, url=subscription.url, events=subscription.events, is_active=True
    )

    subscription.refresh_from_db()
    assert (subscription.is_active, subscription.consecutive_failures) == (True, 0)
    assert subscription.disabled_at is None
    TicketFactory()
    # The retry that waited while it was off, and the new ticket.
    assert subscription.deliveries.filter(status="queued").count() == 2


def test_the_log_keeps_finished_deliveries_for_the_set_days(
    receiver: Receiver, subscribe: Subscribe, settings: Settings
) -> None:
    settings.WEBHOOK_LOG_KEEP_DAYS = 30
    agent = UserFactory()
    subscription = subscribe()
    start = timezone.now()
    with time_machine.travel(start - timedelta(days=31), tick=False):
        receiver.answer_with((200, "ok"), (400, "no"), (500, "down"))
        ticket = TicketFactory(by=agent)  # delivered
        drain_deliveries()
        queue_test_delivery(subscription)  # failed: a test is tried once
        drain_deliveries()
        services.add_note(ticket, by=agent, text="Still waiting.")  # queued for a retry
        drain_deliveries()
    services.add_note(ticket, by=agent, text="Recent.")

    removed = prune_delivery_log()

    assert removed == 2
    left = WebhookDelivery.objects.order_by("created_at")
    assert [(d.status, d.created_at < start) for d in left] == [("queued", True), ("queued", False)]
