"""Writes of the webhooks app: subscriptions, deliveries queued with ticket changes, disabling.

How a change reaches a receiver: `ChangeSet.save` calls `queue_changeset_deliveries` in the
change's transaction (registered in apps.py, so tickets never imports this app); it writes
one WebhookDelivery per event and matching active subscription, and the sender task is
enqueued on commit. A rollback removes the rows with the change, so nothing is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from ticketdesk.accounts.models import Role, User
from ticketdesk.core import config_cache
from ticketdesk.core.housekeeping import cutoff, delete_in_batches
from ticketdesk.outbox.services import queue_mail

from .models import PING_EVENT, WebhookDelivery, WebhookSubscription
from .payloads import changeset_data, changeset_events, encode_body
from .signing import generate_secret
from .tasks import schedule_webhook_sender

if TYPE_CHECKING:
    from ticketdesk.tickets.services.changesets import ChangeSet

logger = logging.getLogger(__name__)


@transaction.atomic
def create_subscription(
    *, url: str, events: Sequence[str], is_active: bool = True
) -> WebhookSubscription:
    """A new subscription with a generated secret. The URL is checked by the form (urlcheck)."""
    return WebhookSubscription.objects.create(
        url=url, events=list(events), is_active=is_active, secret=generate_secret()
    )


@transaction.atomic
def update_subscription(
    subscription: WebhookSubscription, *, url: str, events: Sequence[str], is_active: bool
) -> WebhookSubscription:
    """Change URL, events and the active flag; switching it on again starts a new failure count."""
    if is_active and not subscription.is_active:
        subscription.consecutive_failures = 0
        subscription.disabled_at = None
    subscription.url = url
    subscription.events = list(events)
    subscription.is_active = is_active
    subscription.save()
    return subscription


@transaction.atomic
def rotate_secret(subscription: WebhookSubscription) -> WebhookSubscription:
    """A new secret; deliveries still waiting are signed with it when they go out."""
    subscription.secret = generate_secret()
    subscription.save(update_fields=["secret", "updated_at"])
    return subscription


@transaction.atomic
def delete_subscription(subscription: WebhookSubscription) -> None:
    """Remove the subscription with its delivery log and any delivery still waiting."""
    subscription.delete()


@transaction.atomic
def queue_test_delivery(subscription: WebhookSubscription) -> WebhookDelivery:
    """Queue a `ping` to the subscription, active or not ("Send test")."""
    data = {"subscription": {"id": subscription.pk, "events": subscription.events}}
    return _queue(subscription.pk, PING_EVENT, data, at=timezone.now())


def queue_changeset_deliveries(changeset: ChangeSet) -> None:
    """The change-set hook: one delivery per event and active subscription that wants it.

    Side effects: WebhookDelivery rows in the caller's transaction; the sender task on commit.
    No subscription, no query: the routes are cached configuration.
    """
    routes = config_cache.cached("webhooks.routes", _load_routes)
    if not routes:
        return
    for event in changeset_events(changeset):
        subscribers = [pk for pk, events in routes if event in events]
        if not subscribers:
            continue
        data = changeset_data(changeset, event)
        for pk in subscribers:
            _queue(pk, event, data, at=changeset.at)


def _load_routes() -> list[tuple[int, frozenset[str]]]:
    active = WebhookSubscription.objects.filter(is_active=True).values_list("pk", "events")
    return [(pk, frozenset(events)) for pk, events in active]


def _queue(subscription_id: int, event: str, data: dict[str, Any], *, at: datetime) -> Any:
    delivery = WebhookDelivery(subscription_id=subscription_id, event=event, created_at=at)
    delivery.body = encode_body(delivery_id=delivery.uuid, event=event, created_at=at, data=data)
    delivery.next_attempt_at = timezone.now()
    delivery.save(force_insert=True)
    transaction.on_commit(schedule_webhook_sender, robust=True)
    return delivery


def record_success(subscription_id: int) -> None:
    """A delivery got a 2xx: the failure count starts over."""
    WebhookSubscription.objects.filter(pk=subscription_id, consecutive_failures__gt=0).update(
        consecutive_failures=0
    )


@transaction.atomic
def record_failure(subscription_id: int) -> bool:
    """Count a failed attempt; disable the subscription at WEBHOOK_DISABLE_AFTER_FAILURES.

    Side effects: on disabling, `is_active` off, `disabled_at` set and a notice e-mail to
    every active administrator queued in the same transaction. Returns whether it disabled.
    """
    subscriptions = WebhookSubscription.objects.filter(pk=subscription_id, is_active=True)
    subscriptions.update(consecutive_failures=F("consecutive_failures") + 1)
    limit = settings.WEBHOOK_DISABLE_AFTER_FAILURES
    disabled = subscriptions.filter(consecutive_failures__gte=limit).update(
        is_active=False, disabled_at=timezone.now()
    )
    if not disabled:
        return False
    # update() sends no signal: tell the cache, so no new deliveries are queued for it.
    config_cache.configuration_changed(WebhookSubscription)
    subscription = WebhookSubscription.objects.get(pk=subscription_id)
    logger.warning("webhooks: %s disabled after %d failures", subscription.url, limit)
    notify_administrators(subscription)
    return True


def notify_administrators(subscription: WebhookSubscription) -> None:
    """Queue the "webhook disabled" notice, one mail per administrator in their language."""
    admins = User.objects.filter(is_active=True, role=Role.ADMINISTRATOR).exclude(email="")
    path = reverse("config_webhooks:edit", args=[subscription.pk])
    for admin in admins:
        context = {
            "subscription": subscription,
            "failures": subscription.consecutive_failures,
            "path": path,
            "user": admin,
        }
        with translation.override(admin.language or settings.LANGUAGE_CODE):
            subject = render_to_string("webhooks/mail/disabled_subject.txt", context)
            text = render_to_string("webhooks/mail/disabled.txt", context)
        queue_mail(
            to=[admin.email],
            subject=subject,
            text=text,
            auto_generated=True,
            reference=f"webhook-{subscription.pk}",
            language=admin.language,
        )


def prune_delivery_log(*, now: datetime | None = None) -> int:
    """Delete deliveries finished more than WEBHOOK_LOG_KEEP_DAYS ago, in batches; how many."""
    moment = cutoff(settings.WEBHOOK_LOG_KEEP_DAYS, now=now)
    return delete_in_batches(WebhookDelivery.objects.finished_before(moment))
