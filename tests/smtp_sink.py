"""A real SMTP server on loopback for tests and benchmarks (aiosmtpd), with failure switches.

Use the `smtp_server` fixture (tests/conftest.py): it starts a sink on a free
port and points the default mailer at it. What arrived is in `.messages`
(parsed `email.message.EmailMessage`) and `.envelopes` (SMTP MAIL FROM / RCPT TO).

    smtp_server.refuse_with(451)            # every DATA answered 451 until accept_all()
    smtp_server.refuse_with(550, times=1)   # only the next message
    smtp_server.refuse_with(550, at="rcpt") # refuse recipients instead of data
    smtp_server.stop(); smtp_server.start() # connection refused meanwhile, same port
    smtp_server.delay = 0.05                # seconds per message, to catch a worker mid-batch
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
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
