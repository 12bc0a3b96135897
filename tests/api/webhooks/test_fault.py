"""A worker killed while a delivery is in flight: the delivery is sent again with the same id.

Runs the real `ticketdesk send_webhooks` command in child processes against a file SQLite
database (the pytest database may be in memory, which no other process can open), sends to
the in-process receiver, and SIGKILLs the worker while it waits for the receiver's answer.
"""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.outbox.test_fault import REPO_ROOT, TICKETDESK, child_env, run, wait_until_lease_ends
from tests.tickets.factories import TicketFactory
from ticketdesk.api.webhooks.models import WebhookDelivery
from ticketdesk.api.webhooks.sender import drain_deliveries, release_predecessor_leases
from ticketdesk.core.workers import worker_id

from .conftest import Subscribe
from .receiver import Receiver

TICKETS = 6
SETUP = """
from tests.tickets.factories import TicketFactory
from ticketdesk.api.webhooks.services import create_subscription
create_subscription(url={url!r}, events=["ticket.created"])
for _ in range({count}):
    TicketFactory()
"""


@pytest.fixture(scope="module")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("webhooks-template")
    result = run("migrate", "--no-input", env=child_env(data_dir))
    assert result.returncode == 0, result.stderr
    return data_dir


@pytest.fixture
def data_dir(migrated_db: Path, tmp_path: Path, receiver: Receiver) -> Path:
    """A fresh copy of a migrated file database with a subscription and six new tickets."""
    for file in migrated_db.glob("ticketdesk.sqlite3*"):
        shutil.copy(file, tmp_path / file.name)
    script = SETUP.format(url=receiver.url, count=TICKETS)
    result = run("shell", "-c", script, env=child_env(tmp_path))
    assert result.returncode == 0, result.stderr
    return tmp_path


def delivery_rows(data_dir: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(data_dir / "ticketdesk.sqlite3") as db:
        rows = db.execute(
            "SELECT uuid, status, next_attempt_at FROM webhooks_webhookdelivery"
        ).fetchall()
    return [(str(uuid.UUID(hex=row[0])), row[1], row[2]) for row in rows]


@pytest.mark.slow
def test_worker_killed_mid_delivery_redelivers_with_the_same_delivery_id(
    data_dir: Path, receiver: Receiver
) -> None:
    env = child_env(data_dir, WEBHOOK_ALLOW_PRIVATE_URLS="1", WEBHOOK_LEASE_SECONDS="3")
    receiver.delay = 0.5  # the worker waits in every request: the kill lands inside one
    queued = {delivery_id for delivery_id, _, _ in delivery_rows(data_dir)}

    worker = subprocess.Popen(
        [TICKETDESK, "send_webhooks", "--batch-size", str(TICKETS)],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert receiver.wait_for(3, timeout=60), worker.communicate()
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    in_flight = receiver.requests[2]
    after_kill = delivery_rows(data_dir)
    wait_until_lease_ends(after_kill)
    receiver.delay = 0.0
    restarted = run("send_webhooks", env=env)

    statuses = Counter(status for _, status, _ in after_kill)
    assert len(queued) == TICKETS
    assert worker.returncode == -signal.SIGKILL
    assert statuses["sending"] >= 1, statuses  # killed inside the batch
    assert restarted.returncode == 0, restarted.stderr
    assert {status for _, status, _ in delivery_rows(data_dir)} == {"delivered"}
    received = Counter(receiver.delivery_ids())
    assert set(received) == queued  # none lost
    # Only the delivery in flight at the kill arrives twice, with its id and body unchanged.
    assert [d for d, n in received.items() if n > 1] == [in_flight.delivery_id]
    again = [r for r in receiver.requests[3:] if r.delivery_id == in_flight.delivery_id]
    assert [r.body for r in again] == [in_flight.body]
    assert in_flight.json["id"] == in_flight.delivery_id


@pytest.mark.django_db
def test_a_restarted_worker_takes_back_its_predecessors_lease_at_once(
    receiver: Receiver, subscribe: Subscribe
) -> None:
    mine = subscribe()
    stranger = subscribe()
    TicketFactory()
    lease_end = timezone.now() + timedelta(seconds=300)
    dead = f"{worker_id()[:45]}|999999|deadbeef"  # this identity, another (dead) process
    WebhookDelivery.objects.filter(subscription=mine).update(
        status="sending", claimed_by=dead, next_attempt_at=lease_end, attempts=1
    )
    WebhookDelivery.objects.filter(subscription=stranger).update(
        status="sending", claimed_by="other-host:1|42|cafe", next_attempt_at=lease_end
    )
    delivery = mine.deliveries.get()

    released = release_predecessor_leases()
    report = drain_deliveries()

    delivery.refresh_from_db()
    assert released == 1  # another worker's lease waits until it runs out
    assert report.delivered == 1
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert receiver.delivery_ids() == [str(delivery.uuid)]
