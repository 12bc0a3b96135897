"""Fault tests with real processes: the helpdesk under `ticketdesk serve` survives its faults.

A task worker killed with SIGKILL is back within seconds while the web server keeps answering,
and the mail it had leased goes out at once, not after the lease. A data directory on a small
tmpfs that fills up gives clear errors (pages and /healthz), and everything works again once
space is freed, without a restart.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import sqlite3
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.smtp_sink import SmtpSink

from .conftest import EnvFactory, clean_env, fill, ticketdesk, tmpfs
from .test_serve import free_port, is_running, polling_health, serving

WAIT = 45.0
ADMIN = ("admin@example.com", "admin")
QUEUE_MAIL = """
from ticketdesk.outbox.services import queue_mail
for n in range({count}):
    queue_mail(to=[f"c{{n}}@customer.example"], subject=f"[#T-{{n}}] Update",
               text="Status changed.", auto_generated=True, reference=f"T-{{n}}")
"""
ENQUEUE_LATER = """
from datetime import timedelta
from django.utils import timezone
from tests.core import sample_tasks
later = timezone.now() + timedelta(seconds={seconds})
print(sample_tasks.add.using(run_after=later).enqueue(2, 3).id)
"""


def rows(data_dir: Path, sql: str, *params: str) -> list[tuple]:
    with sqlite3.connect(data_dir / "ticketdesk.sqlite3", timeout=10) as db:
        return db.execute(sql, params).fetchall()


def wait_until(condition: object, *, timeout: float = WAIT, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated data directory with collected static files and the administrator below."""
    data_dir = tmp_path_factory.mktemp("prepared")
    env = clean_env(data_dir, DJANGO_SUPERUSER_EMAIL=ADMIN[0], DJANGO_SUPERUSER_PASSWORD=ADMIN[1])
    for command in (["migrate"], ["collectstatic"], ["createsuperuser"]):
        result = ticketdesk(*command, "--no-input", env=env)
        assert result.returncode == 0, result.stdout + result.stderr
    return data_dir


def copy_of(prepared: Path, data_dir: Path) -> Path:
    # Copied with their times, so `serve` finds the static files up to date.
    shutil.copytree(prepared, data_dir)
    return data_dir


@pytest.mark.slow
def test_killed_worker_is_back_at_once_and_sends_the_mail_it_had_leased(
    child_env: EnvFactory, tmp_path: Path, smtp_server: SmtpSink, prepared: Path
) -> None:
    data_dir = copy_of(prepared, tmp_path / "data")
    env = child_env(data_dir, HOST="127.0.0.1", PORT=str(free_port()), EMAIL_URL=smtp_server.url)
    smtp_server.delay = 0.05  # ~5 s for the batch, so the kill lands inside it
    with serving(env, data_dir, tmp_path / "serve.log") as served, polling_health(served) as health:
        before = served.child_pids()
        queued = ticketdesk("shell", "-c", QUEUE_MAIL.format(count=100), env=env)
        assert queued.returncode == 0, queued.stderr
        assert smtp_server.wait_for(10, timeout=WAIT), served.output()

        os.kill(before["task worker"], signal.SIGKILL)
        leased = rows(data_dir, "SELECT count(*) FROM outbox_outboundmail WHERE status='sending'")

        # The lease is OUTBOX_LEASE_SECONDS (600 s); the restarted worker does not wait for it.
        wait_until(lambda: len(set(smtp_server.message_ids())) == 100, what=served.output())
        wait_until(lambda: served.get("/healthz")[0] == 200, what=served.output())
        after = served.child_pids()

    assert leased[0][0] > 0  # killed inside a batch, holding its lease
    assert after["task worker"] != before["task worker"]
    assert is_running(after["task worker"]) or served.process.poll() is not None
    assert after["web server"] == before["web server"]
    output = served.output()
    assert "task worker exited (killed by signal SIGKILL)" in output
    assert "web server exited" not in output
    assert "leased by a dead worker" in output
    queued_ids = {mid for (mid,) in rows(data_dir, "SELECT message_id FROM outbox_outboundmail")}
    assert set(smtp_server.message_ids()) == queued_ids
    assert rows(data_dir, "SELECT DISTINCT status FROM outbox_outboundmail") == [("sent",)]
    # The web server answered every probe while the worker was down and back.
    assert len(health) > 10
    assert set(health) == {200}, health


# --- a full disk ------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    with tmpfs(tmp_path / "disk", size="48m") as disk:
        yield disk


def truncate_wal(data_dir: Path) -> None:
    # SQLite reuses the space of its write-ahead log; emptied, every write needs new space.
    for _ in range(50):
        busy = rows(data_dir, "PRAGMA wal_checkpoint(TRUNCATE)")[0][0]
        if not busy:
            return
        time.sleep(0.1)
    pytest.fail("the write-ahead log stayed busy")


class Browser:
    """A cookie-keeping HTTP client that signs in through the login form."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body)  # noqa: S310
        request.add_header("Referer", self.base_url + path)
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def sign_in(self, email: str, password: str) -> tuple[int, str]:
        status, page = self.request("/accounts/login/")
        assert status == 200, page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None, page
        return self.request(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token.group(1), "username": email, "password": password},
        )


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@pytest.mark.slow
def test_full_disk_gives_clear_errors_and_recovers_when_space_is_freed(
    child_env: EnvFactory, tmp_path: Path, small_disk: Path, prepared: Path
) -> None:
    data_dir = copy_of(prepared, small_disk / "data")
    env = child_env(
        data_dir,
        HOST="127.0.0.1",
        PORT=str(free_port()),
        DATA_DIR_MIN_FREE_BYTES=str(4 << 20),
    )
    with serving(env, data_dir, tmp_path / "serve.log") as served:
        before = served.child_pids()
        enqueued = ticketdesk("shell", "-c", ENQUEUE_LATER.format(seconds=3), env=env)
        assert enqueued.returncode == 0, enqueued.stderr
        task_id = enqueued.stdout.strip().splitlines()[-1].replace("-", "")
        truncate_wal(data_dir)
        filler = fill(small_disk)

        status, body = served.get("/healthz")[::2]
        signed_in_while_full = Browser(served.url).sign_in(*ADMIN)
        # The task fell due on the full disk: the worker fails to claim it and carries on.
        wait_until(lambda: "worker: database error" in served.output(), what=served.output())

        filler.unlink()
        wait_until(lambda: served.get("/healthz")[0] == 200, what=served.output())
        signed_in_after = Browser(served.url).sign_in(*ADMIN)
        wait_until(
            lambda: (
                rows(
                    data_dir,
                    "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = ?",
                    task_id,
                )
                == [("SUCCESSFUL",)]
            ),
            what=served.output(),
        )
        after = served.child_pids()

    assert status == 503
    assert b"disk: disk full" in body
    assert signed_in_while_full[0] == 503
    assert "Nothing was saved" in signed_in_while_full[1]
    assert signed_in_after[0] == 302, signed_in_after
    # Nothing was restarted: the same web server and worker recovered by themselves.
    assert after == before
    assert "exited" not in served.output()
