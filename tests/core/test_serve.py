"""`ticketdesk serve`: gunicorn and the task worker start, serve, and stop together."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

from .conftest import BIN, REPO_ROOT, EnvFactory

STARTUP_TIMEOUT = 90.0
STOP_TIMEOUT = 40.0
STARTED = re.compile(r"Started (web server|task worker) \(pid (\d+)\)")


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str
    log: Path
    data_dir: Path

    def output(self) -> str:
        return self.log.read_text()

    def child_pids(self) -> dict[str, int]:
        return {name: int(pid) for name, pid in STARTED.findall(self.output())}

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


@pytest.fixture
def served(child_env: EnvFactory, data_dir: Path, tmp_path: Path) -> Iterator[Served]:
    port = free_port()
    log = tmp_path / "serve.log"
    env = child_env(data_dir, HOST="127.0.0.1", PORT=str(port), DEBUG="0")
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(BIN / "ticketdesk"), "serve"],
            env=env,
            cwd=REPO_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    server = Served(process, f"http://127.0.0.1:{port}", log, data_dir)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while "Ticketdesk is running at" not in server.output():
            assert process.poll() is None, server.output()
            assert time.monotonic() < deadline, server.output()
            time.sleep(0.2)
        yield server
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        wait_until_gone(list(server.child_pids().values()), timeout=5)


def test_serve_answers_health_check_and_serves_static_files(served: Served) -> None:
    status, _, body = served.get("/healthz")
    assert (status, body) == (200, b"ok")

    manifest = json.loads((served.data_dir / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["admin/css/base.css"]
    status, headers, _ = served.get(f"/static/{hashed}")
    assert status == 200
    assert "immutable" in headers["Cache-Control"]

    status, _, _ = served.get("/admin/login/")
    assert status == 200


def test_serve_shows_login_page(served: Served) -> None:
    try:
        login = reverse("accounts:login")
    except NoReverseMatch:
        pytest.skip("accounts:login is not wired up yet")

    status, _, body = served.get(login)

    assert status == 200
    assert b'name="password"' in body


def test_sigint_stops_web_server_and_worker(served: Served) -> None:
    children = served.child_pids()
    assert set(children) == {"web server", "task worker"}

    served.process.send_signal(signal.SIGINT)

    assert served.process.wait(timeout=STOP_TIMEOUT) == 0, served.output()
    assert wait_until_gone(list(children.values())) == []


def test_serve_stops_web_server_and_fails_when_worker_dies(served: Served) -> None:
    children = served.child_pids()

    os.kill(children["task worker"], signal.SIGKILL)

    assert served.process.wait(timeout=STOP_TIMEOUT) != 0
    assert wait_until_gone([children["web server"]]) == []
    assert "task worker exited" in served.output()
