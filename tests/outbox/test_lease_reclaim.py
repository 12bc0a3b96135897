"""A worker restarted under its identity sends the mail its killed predecessor had leased at once.

Real `ticketdesk worker` processes on a file SQLite database in a temporary data directory,
delivering to the in-process SMTP sink; the lease is the default 600 s throughout.
"""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from tests.core.conftest import BIN, REPO_ROOT, clean_env, ticketdesk
from tests.smtp_sink import SmtpSink

WAIT = 45.0
QUEUE_MAIL = """
from ticketdesk.outbox.services import queue_mail
for n in range({start}, {start} + {count}):
    queue_mail(to=[f"c{{n}}@customer.example"], subject=f"[#T-{{n}}] Update",
               text="Status changed.", auto_generated=True, reference=f"T-{{n}}")
"""


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("lease-template")
    result = ticketdesk("migrate", "--no-input", env=clean_env(data_dir))
    assert result.returncode == 0, result.stderr
    return data_dir


@pytest.fixture
def data_dir(migrated: Path, tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    shutil.copytree(migrated, data_dir)
    return data_dir


def queue_mail(env: dict[str, str], *, count: int, start: int = 0) -> None:
    result = ticketdesk("shell", "-c", QUEUE_MAIL.format(start=start, count=count), env=env)
    assert result.returncode == 0, result.stderr


def start_worker(env: dict[str, str], identity: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(BIN / "ticketdesk"), "worker", f"--worker-id={identity}", *extra],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def leased_count(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "ticketdesk.sqlite3", timeout=10) as db:
        sql = "SELECT count(*) FROM outbox_outboundmail WHERE status = 'sending'"
        return db.execute(sql).fetchone()[0]


def statuses(data_dir: Path) -> set[str]:
    with sqlite3.connect(data_dir / "ticketdesk.sqlite3", timeout=10) as db:
        return {s for (s,) in db.execute("SELECT DISTINCT status FROM outbox_outboundmail")}


def kill_mid_batch(env: dict[str, str], identity: str, sink: SmtpSink) -> None:
    worker = start_worker(env, identity)
    try:
        assert sink.wait_for(10, timeout=60), "the first worker sent nothing"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.communicate()


def wait_for_distinct(sink: SmtpSink, count: int) -> bool:
    deadline = time.monotonic() + WAIT
    while len(set(sink.message_ids())) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    return len(set(sink.message_ids())) >= count


@pytest.mark.slow
def test_worker_restarted_under_its_identity_sends_its_predecessors_leased_mail_at_once(
    data_dir: Path, smtp_server: SmtpSink
) -> None:
    env = clean_env(data_dir, EMAIL_URL=smtp_server.url)
    smtp_server.delay = 0.05
    queue_mail(env, count=100)
    kill_mid_batch(env, "host-a:serve1", smtp_server)
    leased = leased_count(data_dir)

    restarted = start_worker(env, "host-a:serve1")
    try:
        # Well inside OUTBOX_LEASE_SECONDS (600 s): the lease was not waited out.
        arrived = wait_for_distinct(smtp_server, 100)
    finally:
        restarted.send_signal(signal.SIGTERM)
        output = restarted.communicate(timeout=30)[0]

    assert leased > 0
    assert arrived, output
    assert statuses(data_dir) == {"sent"}
    assert "leased by a dead worker host-a:serve1|" in output
    assert restarted.returncode == 0, output


@pytest.mark.slow
def test_worker_of_another_identity_leaves_a_dead_workers_lease_alone(
    data_dir: Path, smtp_server: SmtpSink
) -> None:
    env = clean_env(data_dir, EMAIL_URL=smtp_server.url)
    smtp_server.delay = 0.05
    queue_mail(env, count=100)
    kill_mid_batch(env, "host-a:serve1", smtp_server)
    leased = leased_count(data_dir)
    sent_before = set(smtp_server.message_ids())

    queue_mail(env, count=1, start=100)
    other = start_worker(env, "host-b:serve2", "--burst")
    output = other.communicate(timeout=60)[0]

    assert other.returncode == 0, output
    assert leased > 0
    # The new mail went out; the dead worker's lease holds until it ends (it may be alive).
    assert len(set(smtp_server.message_ids()) - sent_before) == 1
    assert leased_count(data_dir) == leased
