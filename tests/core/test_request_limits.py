"""Request bodies over the cap are refused (413) before parsing; chunked bodies are refused (411).

The caps are checked through the test client and, for what only a real server shows (a body
that is never read, chunked transfer), over a socket to a real gunicorn.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation
from pytest_django.fixtures import Settings

from tests.accounts.factories import UserFactory
from tests.tickets.factories import TicketFactory
from ticketdesk.tickets.models import Message

from .conftest import BIN, PASSED_THROUGH, REPO_ROOT

MB = 1024 * 1024
LOGIN = "/accounts/login/"
STARTUP_TIMEOUT = 60.0
SOCKET_TIMEOUT = 20.0


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def declared_post(client: Client, path: str, length: int, content_type: str, **extra: str):
    """A POST that announces `length` bytes but carries none: only a refusal can answer it."""
    return client.generic(
        "POST", path, b"", CONTENT_TYPE=content_type, CONTENT_LENGTH=str(length), **extra
    )


@pytest.mark.django_db
def test_anonymous_body_over_its_cap_is_refused_naming_the_limit(
    client: Client, settings: Settings
) -> None:
    settings.ANONYMOUS_REQUEST_MAX_BYTES = 64 * 1024
    urlencoded = "application/x-www-form-urlencoded"
    response = declared_post(client, LOGIN, 300 * MB, urlencoded, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert "64.0\xa0KB" in response.content.decode()
    small = client.post(LOGIN, {"username": "a@example.com", "password": "x" * 1000})
    assert small.status_code == 200


@pytest.mark.django_db
def test_signed_in_uploads_may_reach_the_attachment_cap(client: Client, settings: Settings) -> None:
    settings.ANONYMOUS_REQUEST_MAX_BYTES = 1024
    settings.REQUEST_MAX_BYTES = 64 * 1024
    agent = UserFactory()
    ticket = TicketFactory(by=agent)
    client.force_login(agent)
    url = f"/tickets/{ticket.number}/reply/"
    multipart = "multipart/form-data; boundary=x"
    assert declared_post(client, url, 64 * 1024 + 1, multipart).status_code == 413
    response = client.post(url, {"text": "y" * 10_000, "action": "reply"})
    assert response.status_code == 302  # above the anonymous cap, within the signed-in one
    assert Message.objects.filter(ticket=ticket, text="y" * 10_000).exists()


@pytest.mark.django_db
def test_signed_in_form_fields_are_capped_where_django_would_answer_400(
    client: Client, settings: Settings
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024
    settings.REQUEST_MAX_BYTES = 64 * MB
    client.force_login(UserFactory())
    urlencoded = "application/x-www-form-urlencoded"
    response = declared_post(client, "/tickets/", 8 * 1024 + 1, urlencoded)
    assert response.status_code == 413
    assert "8.0\xa0KB" in response.content.decode()


@pytest.mark.django_db
def test_chunked_body_without_length_is_refused(client: Client) -> None:
    response = client.generic(
        "POST",
        LOGIN,
        b"",
        content_type="application/x-www-form-urlencoded",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    assert response.status_code == 411
    assert client.get(LOGIN).status_code == 200


# --- over a socket, to a real gunicorn ---------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    def __init__(self, port: int, tmp: Path) -> None:
        self.port = port
        self.tmp = tmp  # the server's TMPDIR: where an upload would be spooled

    def send(self, head: str, body: bytes = b"") -> tuple[int, bytes]:
        """Send a request head (and the start of a body); the status and what came back."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=SOCKET_TIMEOUT) as sock:
            sock.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
            received = b""
            while b"\r\n\r\n" not in received:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
        status = int(received.split(b" ", 2)[1]) if received.startswith(b"HTTP/") else 0
        return status, received


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gunicorn]:
    """gunicorn as `ticketdesk serve` runs it (gthread), on a fresh data directory."""
    data_dir = tmp_path_factory.mktemp("limits-data")
    spool = tmp_path_factory.mktemp("limits-tmp")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k in PASSED_THROUGH}
    env.update(TICKETDESK_DATA_DIR=str(data_dir), LANGUAGE_CODE="en", DEBUG="0")
    for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
        subprocess.run(
            [str(BIN / "ticketdesk"), *command],
            env=env,
            cwd=REPO_ROOT,
            check=True,
            capture_output=True,
        )
    env["TMPDIR"] = str(spool)
    log = (data_dir / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "ticketdesk.wsgi",
            f"--bind=127.0.0.1:{port}",
            "--workers=1",
            "--worker-class=gthread",
            "--threads=2",
            "--no-control-socket",
        ],
        env=env,
        cwd=REPO_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            assert process.poll() is None, (data_dir / "gunicorn.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        yield Gunicorn(port, spool)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_anonymous_300_mb_post_to_the_login_page_is_refused_unread(gunicorn: Gunicorn) -> None:
    """Only the head and a few bytes are sent: an answer proves the server did not wait."""
    head = (
        "POST /accounts/login/ HTTP/1.1\n"
        "Host: 127.0.0.1\n"
        "Content-Type: multipart/form-data; boundary=xyz\n"
        f"Content-Length: {300 * MB}\n"
    )
    start = b'--xyz\r\nContent-Disposition: form-data; name="f"; filename="big.bin"\r\n\r\n'
    status, response = gunicorn.send(head, start + b"x" * 65536)
    assert status == 413, response
    assert not list(gunicorn.tmp.iterdir())  # nothing spooled


def test_chunked_post_is_refused_before_its_end(gunicorn: Gunicorn) -> None:
    head = (
        "POST /accounts/login/ HTTP/1.1\n"
        "Host: 127.0.0.1\n"
        "Content-Type: application/x-www-form-urlencoded\n"
        "Transfer-Encoding: chunked\n"
    )
    status, response = gunicorn.send(head, b"5\r\nuser=\r\n")  # the last chunk never comes
    assert status == 411, response


def test_small_anonymous_request_is_served(gunicorn: Gunicorn) -> None:
    status, response = gunicorn.send("GET /accounts/login/ HTTP/1.1\nHost: 127.0.0.1\n")
    assert status == 200, response
