"""Run the web server and the task worker side by side, and restart whichever dies.

The supervisor holds the listening socket itself and hands it to gunicorn, so a web server
that is restarted never leaves the port closed: connections wait in the socket's backlog
until the new gunicorn accepts them. A child that exits is started again after a delay
that doubles with every failure in a row (1 s up to 30 s) and starts over once the child
has run stably; a worker whose heartbeat goes stale (a frozen process) is killed and
restarted the same way. Only a stop signal, or a child that keeps dying right after its
start (a broken installation, not a passing fault), ends the supervisor.
"""

from __future__ import annotations

import ctypes
import http.client
import math
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.utils.translation import gettext as _

from ticketdesk.core import health

# Time a child gets to finish its current request or task after SIGTERM before it is killed;
# gunicorn is told to finish in-flight requests a little sooner than that.
STOP_TIMEOUT = 20.0
GRACEFUL_TIMEOUT = 15
POLL_INTERVAL = 0.2
READY_TIMEOUT = 60.0
# Restart delays: doubled after each failure in a row, reset after a stable run.
RESTART_DELAY_MIN = 1.0
RESTART_DELAY_MAX = 30.0
STABLE_SECONDS = 30.0
# A child that exits this soon after its start, this many times in a row, is broken rather
# than unlucky (gunicorn itself gives up on an unusable address after about 5 s).
QUICK_EXIT_SECONDS = 10.0
QUICK_EXIT_LIMIT = 5
# Time a worker gets to start beating (Django's start-up) before its heartbeat is judged.
STARTUP_ALLOWANCE = 15.0
LISTEN_BACKLOG = 2048
PR_SET_PDEATHSIG = 1
WILDCARD_HOSTS = {"", "0.0.0.0", "::"}  # noqa: S104 - recognising the wildcard, not binding to it


class SupervisorGaveUp(RuntimeError):
    """A child kept exiting right after its start; the message says which and how."""


@dataclass(frozen=True)
class Child:
    """A process to supervise: its display name, command line and inherited descriptors.

    With a `heartbeat` file and `stale_after` seconds, a child whose heartbeat stops (a frozen
    process) is killed and restarted like one that died.
    """

    name: str
    argv: list[str]
    pass_fds: tuple[int, ...] = ()
    heartbeat: Path | None = None
    stale_after: float = 0.0


@dataclass
class _Slot:
    """One supervised child and its restart state."""

    child: Child
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    restart_at: float | None = None
    delay: float = RESTART_DELAY_MIN
    quick_exits: int = 0

    @property
    def name(self) -> str:
        return self.child.name

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _reachable_host(host: str) -> str:
    """The address a client on this machine uses for a server bound to `host`."""
    if host in WILDCARD_HOSTS:
        return "::1" if host == "::" else "127.0.0.1"
    return host


def public_url(host: str, port: int) -> str:
    return f"http://{bind_address(_reachable_host(host), port)}/"


def listen(host: str, port: int) -> socket.socket:
    """The listening socket gunicorn serves on; OSError when the address is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family, backlog=LISTEN_BACKLOG)
    sock.set_inheritable(True)
    return sock


def web_server(listener: socket.socket) -> Child:
    fd = listener.fileno()
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "ticketdesk.wsgi",
        f"--bind=fd://{fd}",
        f"--workers={settings.SERVE_WORKERS}",
        "--worker-class=gthread",
        "--threads=4",
        f"--graceful-timeout={GRACEFUL_TIMEOUT}",
        "--access-logfile=-",
        # The control socket defaults to one path per user; two instances would fight over it.
        "--no-control-socket",
    ]
    return Child(name=_("web server"), argv=argv, pass_fds=(fd,))


def supervised_worker_id(host: str, port: int) -> str:
    """The task worker's identity under a supervisor on this address, the same across restarts.

    A restarted worker recognises the leases and running tasks of its dead predecessor by it,
    also after `serve` itself was restarted. Only one supervisor can hold an address, so no
    living worker shares it.
    """
    return f"{socket.gethostname()[:20]}:{bind_address(host, port)}"


def task_worker(identity: str) -> Child:
    argv = [sys.executable, "-m", "ticketdesk.cli", "worker", f"--worker-id={identity}"]
    return Child(
        name=_("task worker"),
        argv=argv,
        heartbeat=health.heartbeat_path(),
        stale_after=health.heartbeat_stale_seconds(),
    )


def prepare(stdout: TextIO) -> None:
    """Bring the database schema and the collected static files up to date."""
    call_command("migrate", interactive=False, verbosity=1, stdout=stdout)
    call_command("collectstatic", interactive=False, verbosity=0, stdout=stdout)


def _die_with_parent() -> None:  # pragma: no cover - runs in the forked child
    # Should the supervisor be killed outright (SIGKILL, OOM killer), its children get SIGTERM
    # instead of living on as orphans that hold the port.
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _start(slot: _Slot, stdout: TextIO) -> None:
    # A process group of its own keeps a terminal's Ctrl-C away from the child: the supervisor
    # alone receives it and forwards exactly one SIGTERM, so no child sees a second signal
    # (which gunicorn, db_worker and RQ treat as "stop at once, abandon the running task").
    try:
        slot.process = subprocess.Popen(  # noqa: S603 - fixed argv built above, no shell
            slot.child.argv,
            process_group=0,
            preexec_fn=_die_with_parent,
            pass_fds=slot.child.pass_fds,
        )
    except OSError as error:
        # Out of memory or processes for a moment: try again later, like after an exit.
        stdout.write(
            _("Cannot start %(name)s (%(error)s); trying again in %(delay)s s.\n")
            % {"name": slot.name, "error": error, "delay": f"{slot.delay:g}"}
        )
        slot.restart_at = time.monotonic() + slot.delay
        slot.delay = min(slot.delay * 2, RESTART_DELAY_MAX)
        return
    slot.started_at = time.monotonic()
    slot.restart_at = None
    stdout.write(
        _("Started %(name)s (pid %(pid)s)\n") % {"name": slot.name, "pid": slot.process.pid}
    )
    stdout.flush()


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = str(-returncode)
        return _("killed by signal %(signal)s") % {"signal": name}
    return _("status %(code)s") % {"code": returncode}


def _schedule_restart(slot: _Slot, returncode: int, stdout: TextIO) -> None:
    """Record the exit of `slot`'s child and decide when it starts again."""
    now = time.monotonic()
    ran = now - slot.started_at
    how = describe_exit(returncode)
    if ran >= STABLE_SECONDS:
        slot.delay = RESTART_DELAY_MIN
    slot.quick_exits = slot.quick_exits + 1 if ran < QUICK_EXIT_SECONDS else 0
    if slot.quick_exits >= QUICK_EXIT_LIMIT:
        raise SupervisorGaveUp(
            _(
                "%(name)s exited %(count)s times in a row within %(seconds)s s of starting "
                "(last: %(how)s); giving up. See its messages above."
            )
            % {
                "name": slot.name,
                "count": slot.quick_exits,
                "seconds": int(QUICK_EXIT_SECONDS),
                "how": how,
            }
        )
    stdout.write(
        _("%(name)s exited (%(how)s) after %(ran)s s; restarting it in %(delay)s s.\n")
        % {"name": slot.name, "how": how, "ran": int(ran), "delay": f"{slot.delay:g}"}
    )
    stdout.flush()
    slot.restart_at = now + slot.delay
    slot.delay = min(slot.delay * 2, RESTART_DELAY_MAX)
    slot.process = None


def _kill_if_frozen(slot: _Slot, stdout: TextIO) -> None:
    """SIGKILL a child whose heartbeat went stale; its exit then restarts it as usual."""
    child = slot.child
    if child.heartbeat is None or child.stale_after <= 0 or slot.process is None:
        return
    if time.monotonic() - slot.started_at < child.stale_after + STARTUP_ALLOWANCE:
        return
    try:
        silent = time.time() - child.heartbeat.stat().st_mtime
    except OSError:
        silent = math.inf
    if silent > child.stale_after:
        stdout.write(
            _("%(name)s sent no heartbeat for %(seconds)s s; killing it.\n")
            % {"name": slot.name, "seconds": "?" if math.isinf(silent) else int(silent)}
        )
        stdout.flush()
        slot.process.kill()


def _stop(slots: list[_Slot], stdout: TextIO) -> None:
    alive = [(slot.name, slot.process) for slot in slots if slot.process and slot.alive()]
    for _name, process in alive:
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for name, process in alive:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            stdout.write(_("%(name)s did not stop in time, killing it.\n") % {"name": name})
            process.kill()
            process.wait()


def answers_http(host: str, port: int) -> bool:
    """True once a web server answers on the address (any status: it is serving)."""
    connection = http.client.HTTPConnection(_reachable_host(host), port, timeout=1)
    try:
        connection.request("GET", "/healthz")
        connection.getresponse().read()
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()
    return True


def supervise(
    children: list[Child],
    *,
    stdout: TextIO,
    is_ready: Callable[[], bool],
    on_ready: Callable[[], None],
) -> None:
    """Start the children and keep them running until SIGINT or SIGTERM.

    A child that exits is restarted with backoff; `on_ready` runs once, when `is_ready`
    first holds. Raises SupervisorGaveUp when a child keeps exiting right after its start,
    TimeoutError when the helpdesk is not ready in time. Every child is stopped on return.
    """
    stop_requested: list[int] = []

    def request_stop(signum: int, frame: object) -> None:
        stop_requested.append(signum)

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    # Connections opened by migrate and friends must not be shared with forked children.
    connections.close_all()
    slots = [_Slot(child) for child in children]
    ready_deadline = time.monotonic() + READY_TIMEOUT
    ready = False
    try:
        for slot in slots:
            _start(slot, stdout)
        while not stop_requested:
            for slot in slots:
                if slot.process is not None and (code := slot.process.poll()) is not None:
                    _schedule_restart(slot, code, stdout)
                elif slot.process is not None:
                    _kill_if_frozen(slot, stdout)
                due = slot.restart_at is not None and time.monotonic() >= slot.restart_at
                if slot.process is None and due and not stop_requested:
                    _start(slot, stdout)
            if not ready and is_ready():
                ready = True
                on_ready()
            elif not ready and time.monotonic() > ready_deadline:
                raise TimeoutError(_("The web server did not start serving in time."))
            time.sleep(POLL_INTERVAL)
        stdout.write(_("Stopping…\n"))
    finally:
        _stop(slots, stdout)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
