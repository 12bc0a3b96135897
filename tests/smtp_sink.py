"""A real SMTP server on loopback for tests and benchmarks (aiosmtpd), with failure switches.

Use the `smtp_server` fixture (tests/conftest.py): it starts a sink on a free
port and points the default mailer at it. What arrived is in `.messages`
(parsed `email.message.EmailMessage`) and `.envelopes` (SMTP MAIL FROM / RCPT TO).

    smtp_server.refuse_with(451)            # every DATA answered 451 until accept_all()
    smtp_server.refuse_with(550, times=1)   # only the next message
    smtp_server.refuse_with(550, at="rcpt") # refuse recipients instead of data
    smtp_server.stop(); smtp_server.start() # connection refused meanwhile, same port
    smtp_server.delay = 0.05                # seconds per message, to catch a worker mid-batch

`SilentServer` is the opposite: it accepts connections and never answers (or only
greets), for the client timeouts of the outbox sender and the IMAP fetcher.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, Literal

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

Stage = Literal["rcpt", "data"]

# aiosmtpd logs every SMTP command at INFO; test output should show ours.
logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclass(frozen=True)
class ReceivedEnvelope:
    mail_from: str
    rcpt_tos: list[str]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class SmtpSink:
    def __init__(self, host: str = "127.0.0.1", port: int | None = None, *, keep: bool = True):
        self.host = host
        self.port = port or free_port(host)
        self.keep = keep  # False: only count (benchmarks), memory stays flat
        self.delay = 0.0
        self.count = 0
        self.messages: list[EmailMessage] = []
        self.envelopes: list[ReceivedEnvelope] = []
        self._refusal: tuple[int, Stage, int | None] | None = None
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    # --- control --------------------------------------------------------
    def start(self) -> SmtpSink:
        if self._controller is None:
            self._controller = Controller(_Handler(self), hostname=self.host, port=self.port)
            self._controller.start()
        return self

    def stop(self) -> None:
        """Close the listener: connections are refused until start() (same port)."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def refuse_with(self, code: int, *, times: int | None = None, at: Stage = "data") -> None:
        """Answer `code` at RCPT or DATA, for the next `times` messages (None: until accept_all)."""
        with self._lock:
            self._refusal = (code, at, times)

    def accept_all(self) -> None:
        with self._lock:
            self._refusal = None

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()
            self.envelopes.clear()
            self.count = 0

    def mailer(self, *, timeout: float = 5) -> dict[str, Any]:
        """A MAILERS entry that sends here."""
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": self.host, "port": self.port, "timeout": timeout},
        }

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    # --- inspection -----------------------------------------------------
    def message_ids(self) -> list[str]:
        return [str(message["Message-ID"]) for message in self.messages]

    def wait_for(self, count: int, timeout: float = 10) -> bool:
        deadline = time.monotonic() + timeout
        while self.count < count:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- called from the server thread ----------------------------------
    def _refusal_for(self, stage: Stage) -> int | None:
        with self._lock:
            if self._refusal is None or self._refusal[1] != stage:
                return None
            code, at, times = self._refusal
            if times is not None:
                self._refusal = (code, at, times - 1) if times > 1 else None
            return code

    def _receive(self, envelope: Envelope) -> None:
        with self._lock:
            self.count += 1
            if self.keep:
                raw = envelope.original_content or b""
                self.messages.append(message_from_bytes(raw, policy=policy.default))
                self.envelopes.append(
                    ReceivedEnvelope(str(envelope.mail_from), list(envelope.rcpt_tos))
                )


class _Handler:
    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        if (code := self.sink._refusal_for("rcpt")) is not None:
            return f"{code} Recipient refused by test sink"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.sink.delay:
            await asyncio.sleep(self.sink.delay)
        if (code := self.sink._refusal_for("data")) is not None:
            return f"{code} Refused by test sink"
        self.sink._receive(envelope)
        return "250 Message accepted"


def serve_counting(port: int, ready: Any, stop: Any, count: Any) -> None:
    """Run a sink that only counts, until `stop` is set; for a benchmark's own process.

    `ready`/`stop` are multiprocessing Events, `count` a multiprocessing Value.
    """
    with SmtpSink(port=port, keep=False) as sink:
        ready.set()
        while not stop.wait(0.05):
            count.value = sink.count
        count.value = sink.count


class SilentServer:
    """A loopback server that accepts connections and then never answers (or only greets).

    For timeout tests of the SMTP and IMAP clients: `greeting=None` accepts and stays
    silent; a greeting (b"220 ...\\r\\n", b"* OK ...\\r\\n") is sent, then nothing more.
    Whatever the client sends is read and ignored, so its writes never block.
    """

    def __init__(self, *, greeting: bytes | None = None, host: str = "127.0.0.1") -> None:
        self.host = host
        self.greeting = greeting
        self.connections = 0
        self._listener = socket.create_server((host, 0))
        self.port: int = self._listener.getsockname()[1]
        self._stopped = threading.Event()
        self._sockets: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> SilentServer:
        self._listener.settimeout(0.1)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stopped.set()
        self._thread.join(5)
        for sock in self._sockets:
            sock.close()
        self._listener.close()

    def mailer(self, *, timeout: float) -> dict[str, Any]:
        """A MAILERS entry that sends here, with the client timeout under test."""
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": self.host, "port": self.port, "timeout": timeout},
        }

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                sock, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            self._sockets.append(sock)
            if self.greeting is not None:
                sock.sendall(self.greeting)
            threading.Thread(target=self._drain, args=(sock,), daemon=True).start()

    def _drain(self, sock: socket.socket) -> None:
        with suppress(OSError):
            while not self._stopped.is_set() and sock.recv(4096):
                pass
