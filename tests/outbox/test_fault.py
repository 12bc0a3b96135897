"""Fault tests: SMTP down while mail piles up, and workers killed mid-batch.

The kill tests run the real `ticketdesk send_mail` command in child processes
against a file SQLite database in a temporary data directory (the pytest test
database may be in memory, which no other process can open), deliver to the
in-process SMTP sink, and SIGKILL a worker while it is inside a batch.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from tests.smtp_sink import SmtpSink
from ticketdesk.outbox.models import MailStatus, OutboundMail
from ticketdesk.outbox.sender import drain_outbox

from .conftest import QueueMail

REPO_ROOT = Path(__file__).resolve().parents[2]
TICKETDESK = str(Path(sys.executable).parent / "ticketdesk")
# The environment of the developer or of the outer test run must not steer the children.
NOT_INHERITED = ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DJANGO_SETTINGS_MODULE", "TEST_DB_FILE")
QUEUE_200 = """
from ticketdesk.outbox.services import queue_mail
for n in range(200):
    queue_mail(to=[f"c{n}@customer.example"], subject=f"[#T-{n}] Update",
               text="Status changed.", auto_generated=True, reference=f"T-{n}")
"""


@pytest.mark.django_db
def test_mail_queued_while_smtp_refuses_connections_arrives_exactly_once_when_it_is_back(
    queue: QueueMail, smtp_server: SmtpSink
) -> None:
    smtp_server.stop()
    mails = [queue(to=[f"c{n}@customer.example"], reference=f"T-{n}") for n in range(200)]
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        first = drain_outbox()
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        second = drain_outbox()
    smtp_server.start()
    with time_machine.travel(start + timedelta(seconds=61 + 121), tick=False):
        recovered = drain_outbox()
        again = drain_outbox()

    assert (first.retried, first.sent) == (200, 0)
    assert (second.retried, second.sent) == (200, 0)
    assert (recovered.sent, recovered.failed) == (200, 0)
    assert again.claimed == 0
    received = smtp_server.message_ids()
    assert len(received) == 200
    assert set(received) == {mail.message_id for mail in mails}
    assert set(OutboundMail.objects.values_list("status", flat=True)) == {MailStatus.SENT}


# --- real processes -----------------------------------------------------------------


@pytest.fixture(scope="module")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("outbox-template")
    result = run("migrate", "--no-input", env=child_env(data_dir))
    assert result.returncode == 0, result.stderr
    return data_dir


@pytest.fixture
def data_dir(migrated_db: Path, tmp_path: Path) -> Path:
    """A fresh copy of a migrated file database with 200 queued mails."""
    for file in migrated_db.glob("ticketdesk.sqlite3*"):
        shutil.copy(file, tmp_path / file.name)
    result = run("shell", "-c", QUEUE_200, env=child_env(tmp_path))
    assert result.returncode == 0, result.stderr
    return tmp_path


def child_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    env.update(TICKETDESK_DATA_DIR=str(data_dir), LANGUAGE_CODE="en", PYTHONPATH=str(REPO_ROOT))
    env.update(extra)
    return env


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TICKETDESK, *args], env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )


def start_worker(env: dict[str, str], batch_size: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [TICKETDESK, "send_mail", "--batch-size", str(batch_size)],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def outbox_rows(data_dir: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(data_dir / "ticketdesk.sqlite3") as db:
        return db.execute(
            "SELECT message_id, status, next_attempt_at FROM outbox_outboundmail"
        ).fetchall()


def wait_until_lease_ends(rows: list[tuple[str, str, str]]) -> None:
    leases = [datetime.fromisoformat(at).replace(tzinfo=UTC) for _, s, at in rows if s == "sending"]
    if leases:
        time.sleep(max(0.0, (max(leases) - datetime.now(UTC)).total_seconds()) + 0.2)


@pytest.mark.slow
def test_worker_killed_mid_batch_and_restarted_loses_no_mail(
    data_dir: Path, smtp_server: SmtpSink
) -> None:
    env = child_env(data_dir, EMAIL_URL=smtp_server.url, OUTBOX_LEASE_SECONDS="3")
    smtp_server.delay = 0.01
    queued = {message_id for message_id, _, _ in outbox_rows(data_dir)}

    worker = start_worker(env, batch_size=50)
    assert smtp_server.wait_for(70, timeout=60), worker.communicate()
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    after_kill = outbox_rows(data_dir)
    wait_until_lease_ends(after_kill)
    restarted = run("send_mail", env=env)

    statuses = Counter(status for _, status, _ in after_kill)
    assert worker.returncode == -signal.SIGKILL
    assert statuses["sending"] > 0, statuses  # killed inside a batch
    assert statuses["sent"] < 200
    assert restarted.returncode == 0, restarted.stderr
    assert {status for _, status, _ in outbox_rows(data_dir)} == {"sent"}
    received = Counter(smtp_server.message_ids())
    assert set(received) == queued  # none lost
    # Only the message in flight at the kill may arrive twice, and then with its own Message-ID.
    assert sum(received.values()) - len(received) <= 1


@pytest.mark.slow
def test_two_workers_draining_at_once_send_each_mail_once(
    data_dir: Path, smtp_server: SmtpSink
) -> None:
    env = child_env(data_dir, EMAIL_URL=smtp_server.url)
    smtp_server.delay = 0.02  # ~4 s of sending, so both workers are busy at the same time
    queued = {message_id for message_id, _, _ in outbox_rows(data_dir)}

    workers = [start_worker(env, batch_size=20) for _ in range(2)]
    outputs = [worker.communicate(timeout=120) for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0], outputs
    sent_by_worker = [int(re.search(r"sent (\d+)", out).group(1)) for out, _ in outputs]
    assert sum(sent_by_worker) == 200
    assert min(sent_by_worker) > 0, sent_by_worker  # they really shared the work
    received = smtp_server.message_ids()
    assert len(received) == 200
    assert set(received) == queued
    assert {status for _, status, _ in outbox_rows(data_dir)} == {"sent"}
