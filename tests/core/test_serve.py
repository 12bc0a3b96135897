"""`ticketdesk serve`: gunicorn and the task worker start, serve, are restarted, and stop."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import reverse

from .conftest import BIN, REPO_ROOT, EnvFactory, ticketdesk

STARTUP_TIMEOUT = 90.0
STOP_TIMEOUT = 40.0
STARTED = re.compile(r"Started (web server|task worker) \(pid (\d+)\)")
HEALTHY = b"database: ok\ndisk: ok\nworker: ok\n"


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str
    log: Path
    data_dir: Path

    def output(self) -> str:
        return self.log.read_text()

    def child_pids(self) -> dict[str, int]:
        """The latest pid of each child (restarted children appear again)."""
        return {name: int(pid) for name, pid in STARTED.findall(self.output())}

    def all_child_pids(self) -> list[int]:
        return [int(pid) for _, pid in STARTED.findall(self.output())]

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as response:  # noqa: S310
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_until_gone(pids: list[int], timeout: float = STOP_TIMEOUT) -> list[int]:
    deadline = time.monotonic() + timeout
    while (alive := [pid for pid in pids if is_running(pid)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Shared by the tests below: the second start finds the database and static files in place.
    return tmp_path_factory.mktemp("serve-data")


@contextmanager
def serving(
    env: dict[str, str], data_dir: Path, log: Path, *, command: str = "serve"
) -> Iterator[Served]:
    """Run `ticketdesk serve` until its helpdesk is healthy; kill whatever is left at the end."""
    port = int(env["PORT"])
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(BIN / "ticketdesk"), command],
            env=env,
            cwd=REPO_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    server = Served(process, f"http://127.0.0.1:{port}", log, data_dir)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while "Ticketdesk is running at" not in server.output() or server.get("/healthz")[0] != 200:
            assert process.poll() is None, server.output()
            assert time.monotonic() < deadline, server.output()
            time.sleep(0.2)
        yield server
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        # The children die with the supervisor (SIGTERM on its death); wait for them.
        wait_until_gone(server.all_child_pids(), timeout=STOP_TIMEOUT)


@contextmanager
def polling_health(served: Served) -> Iterator[list[object]]:
    """Ask /healthz ten times a second meanwhile; collect each status, or the error instead."""
    answers: list[object] = []
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            try:
                answers.append(served.get("/healthz")[0])
            except OSError as error:
                answers.append(repr(error))
            time.sleep(0.1)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        yield answers
    finally:
        stop.set()
        thread.join(timeout=15)


@pytest.fixture
def served(child_env: EnvFactory, data_dir: Path, tmp_path: Path) -> Iterator[Served]:
    env = child_env(data_dir, HOST="127.0.0.1", PORT=str(free_port()), DEBUG="0")
    with serving(env, data_dir, tmp_path / "serve.log") as server:
        yield server


def test_serve_answers_health_check_and_serves_static_files(served: Served) -> None:
    status, _, body = served.get("/healthz")
    assert (status, body) == (200, HEALTHY)

    manifest = json.loads((served.data_dir / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["admin/css/base.css"]
    status, headers, _ = served.get(f"/static/{hashed}")
    assert status == 200
    assert "immutable" in headers["Cache-Control"]

    status, _, _ = served.get("/admin/login/")
    assert status == 200


def test_serve_shows_login_page(served: Served) -> None:
    login = reverse("accounts:login")

    status, _, body = served.get(login)

    assert status == 200
    assert b'name="password"' in body


def test_sigint_stops_web_server_and_worker(served: Served) -> None:
    children = served.child_pids()
    assert set(children) == {"web server", "task worker"}

    served.process.send_signal(signal.SIGINT)

    assert served.process.wait(timeout=STOP_TIMEOUT) == 0, served.output()
    assert wait_until_gone(list(children.values())) == []


def test_serve_restarts_a_killed_web_server_and_keeps_the_worker(served: Served) -> None:
    before = served.child_pids()

    with polling_health(served) as health:
        os.kill(before["web server"], signal.SIGKILL)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while served.child_pids()["web server"] == before["web server"]:
            assert time.monotonic() < deadline, served.output()
            time.sleep(0.2)
        while served.get("/healthz")[0] != 200:
            assert time.monotonic() < deadline, served.output()
            time.sleep(0.2)

    # `serve` holds the socket: requests wait for the new gunicorn instead of being refused.
    assert set(health) == {200}, health
    assert served.process.poll() is None
    assert served.child_pids()["task worker"] == before["task worker"]
    assert is_running(before["task worker"])
    assert "web server exited (killed by signal SIGKILL)" in served.output()


def test_serve_refuses_an_address_in_use_with_a_clear_message(
    child_env: EnvFactory, data_dir: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = child_env(data_dir, HOST="127.0.0.1", PORT=str(port))

        result = ticketdesk("serve", env=env, timeout=STARTUP_TIMEOUT)

    assert result.returncode == 1
    assert f"Cannot listen on 127.0.0.1:{port}: Address already in use" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Started" not in result.stdout


@pytest.mark.slow
def test_serve_gives_up_on_a_child_that_keeps_dying_at_start(
    child_env: EnvFactory, data_dir: Path
) -> None:
    # A Redis nobody listens on: the RQ worker exits at once, every time.
    env = child_env(
        data_dir, HOST="127.0.0.1", PORT=str(free_port()), REDIS_URL="redis://127.0.0.1:1/0"
    )

    result = ticketdesk("serve", env=env, timeout=120)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "task worker exited 5 times in a row within 10 s of starting" in result.stderr
    assert "Traceback" not in result.stderr
    # Restarted with growing delays before it gave up (a slow machine may need one more).
    assert "restarting it in 1 s." in result.stdout
    assert "restarting it in 8 s." in result.stdout
    pids = [int(pid) for _, pid in STARTED.findall(result.stdout)]
    assert wait_until_gone(pids) == []


@pytest.mark.slow
def test_serve_kills_and_restarts_a_frozen_worker(
    child_env: EnvFactory, data_dir: Path, tmp_path: Path
) -> None:
    env = child_env(
        data_dir, HOST="127.0.0.1", PORT=str(free_port()), WORKER_HEARTBEAT_STALE_SECONDS="2"
    )
    with serving(env, data_dir, tmp_path / "serve.log") as served:
        frozen = served.child_pids()["task worker"]

        os.kill(frozen, signal.SIGSTOP)

        deadline = time.monotonic() + STARTUP_TIMEOUT
        while served.child_pids()["task worker"] == frozen:
            assert time.monotonic() < deadline, served.output()
            time.sleep(0.2)
        while served.get("/healthz")[0] != 200:
            assert time.monotonic() < deadline, served.output()
            time.sleep(0.2)
        output = served.output()

    assert re.search(r"task worker sent no heartbeat for \d+ s; killing it", output), output
    assert "task worker exited (killed by signal SIGKILL)" in output
    assert not is_running(frozen)
