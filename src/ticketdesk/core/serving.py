"""Run the web server and the task worker side by side, and stop them together."""

from __future__ import annotations

import ctypes
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.utils.translation import gettext as _

# Time a child gets to finish its current request or task after SIGTERM before it is killed;
# gunicorn is told to finish in-flight requests a little sooner than that.
STOP_TIMEOUT = 20.0
GRACEFUL_TIMEOUT = 15
POLL_INTERVAL = 0.2
READY_TIMEOUT = 60.0
PR_SET_PDEATHSIG = 1
WILDCARD_HOSTS = {"", "0.0.0.0", "::"}  # noqa: S104 - recognising the wildcard, not binding to it


@dataclass(frozen=True)
class Child:
    """A process to supervise: its display name and command line."""

    name: str
    argv: list[str]


@dataclass(frozen=True)
class Running:
    name: str
    process: subprocess.Popen[bytes]

    def exited(self) -> bool:
        return self.process.poll() is not None


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _reachable_host(host: str) -> str:
    """The address a client on this machine uses for a server bound to `host`."""
    if host in WILDCARD_HOSTS:
        return "::1" if host == "::" else "127.0.0.1"
    return host


def public_url(host: str, port: int) -> str:
    return f"http://{bind_address(_reachable_host(host), port)}/"


def web_server(host: str, port: int) -> Child:
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "ticketdesk.wsgi",
        f"--bind={bind_address(host, port)}",
        f"--workers={settings.SERVE_WORKERS}",
        "--worker-class=gthread",
        "--threads=4",
        f"--graceful-timeout={GRACEFUL_TIMEOUT}",
        "--access-logfile=-",
        # The control socket defaults to one path per user; two instances would fight over it.
        "--no-control-socket",
    ]
    return Child(name=_("web server"), argv=argv)


def task_worker() -> Child:
    return Child(name=_("task worker"), argv=[sys.executable, "-m", "ticketdesk.cli", "worker"])


def prepare(stdout: TextIO) -> None:
    """Bring the database schema and the collected static files up to date."""
    call_command("migrate", interactive=False, verbosity=1, stdout=stdout)
    call_command("collectstatic", interactive=False, verbosity=0, stdout=stdout)


def _die_with_parent() -> None:  # pragma: no cover - runs in the forked child
    # Should the supervisor be killed outright (SIGKILL, OOM killer), its children get SIGTERM
    # instead of living on as orphans that hold the port.
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _start(child: Child) -> Running:
    # A process group of its own keeps a terminal's Ctrl-C away from the child: the supervisor
    # alone receives it and forwards exactly one SIGTERM, so no child sees a second signal
    # (which gunicorn, db_worker and RQ treat as "stop at once, abandon the running task").
    process = subprocess.Popen(  # noqa: S603 - fixed argv built above, no shell
        child.argv, process_group=0, preexec_fn=_die_with_parent
    )
    return Running(child.name, process)


def _stop(started: list[Running], stdout: TextIO) -> None:
    alive = [r for r in started if not r.exited()]
    for running in alive:
        running.process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for running in alive:
        try:
            running.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            stdout.write(_("%(name)s did not stop in time, killing it.\n") % {"name": running.name})
            running.process.kill()
            running.process.wait()


def _accepts_connections(host: str, port: int) -> bool:
    try:
        with socket.create_connection((_reachable_host(host), port), timeout=0.5):
            return True
    except OSError:
        return False


def _watch(
    started: list[Running],
    *,
    stop_requested: list[int],
    host: str,
    port: int,
    on_ready: Callable[[], None],
) -> Running | None:
    """Wait for a stop request (None) or a child that exits by itself (that child)."""
    ready_deadline = time.monotonic() + READY_TIMEOUT
    ready = False
    while not stop_requested:
        died = next((r for r in started if r.exited()), None)
        if died is not None:
            return died
        if not ready and _accepts_connections(host, port):
            ready = True
            on_ready()
        elif not ready and time.monotonic() > ready_deadline:
            raise TimeoutError(_("The web server did not start listening in time."))
        time.sleep(POLL_INTERVAL)
    return None


def supervise(
    children: list[Child],
    *,
    host: str,
    port: int,
    stdout: TextIO,
    on_ready: Callable[[], None],
) -> int:
    """Start the children and wait; return 0 after a requested stop, 1 when a child died.

    SIGINT (Ctrl-C) and SIGTERM stop all children gracefully. When one child exits by
    itself, the others are stopped too, so a half-running helpdesk never goes unnoticed.
    """
    stop_requested: list[int] = []

    def request_stop(signum: int, frame: object) -> None:
        stop_requested.append(signum)

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    # Connections opened by migrate and friends must not be shared with forked children.
    connections.close_all()
    started: list[Running] = []
    try:
        for child in children:
            started.append(running := _start(child))
            stdout.write(
                _("Started %(name)s (pid %(pid)s)\n")
                % {"name": running.name, "pid": running.process.pid}
            )
        died = _watch(
            started, stop_requested=stop_requested, host=host, port=port, on_ready=on_ready
        )
        if died is None:
            stdout.write(_("Stopping…\n"))
        else:
            stdout.write(
                _("%(name)s exited (status %(code)s); stopping the others.\n")
                % {"name": died.name, "code": died.process.returncode}
            )
    finally:
        _stop(started, stdout)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0 if died is None else 1
