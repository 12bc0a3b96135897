"""The task worker's runtime: its identity, heartbeat, start-up hooks and database-error recovery.

`ticketdesk worker` wires these around django-tasks-db's `db_worker` loop (or RQ's worker):
the worker announces it is alive by touching a heartbeat file that /healthz reads, lets every
app prepare its background work through `AppConfig.on_worker_start()`, and rides out a
failing database (full disk, restarted server) by logging, backing off and reconnecting.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable

from django.apps import apps
from django.db import Error as DatabaseError
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from ticketdesk.core.health import discard_connections, heartbeat_path, heartbeat_stale_seconds

logger = logging.getLogger(__name__)

# Backoff after a database error: doubled per failure in a row, reset after a stable run.
RETRY_DELAY_MIN = 1.0
RETRY_DELAY_MAX = 30.0
STABLE_SECONDS = 60.0
# A task that was running when its worker died is run again, unless it was already picked
# up this many times: then it is the likely cause of the deaths and is marked failed.
TASK_MAX_CLAIMS = 3

_worker_id: str | None = None


class WorkerDied(Exception):
    """The worker running this task died before it finished (repeatedly)."""


def worker_id() -> str:
    """This process's worker identity: the one it was started with, else host and pid.

    A supervisor passes the same identity to every incarnation of its worker, so a new one
    can take back at once what a dead predecessor held (outbox leases, running tasks).
    """
    return _worker_id or f"{socket.gethostname()[:32]}:{os.getpid()}"


def set_worker_id(identity: str) -> None:
    global _worker_id  # one identity per process, set once at start
    _worker_id = identity


def call_start_hooks() -> None:
    """Call `on_worker_start()` of every installed app that has one (core knows none of them)."""
    for config in apps.get_app_configs():
        hook: Callable[[], object] | None = getattr(config, "on_worker_start", None)
        if callable(hook):
            hook()


class Heartbeat:
    """A daemon thread that touches the heartbeat file every few seconds while the worker lives."""

    def __init__(self) -> None:
        self.path = heartbeat_path()
        stale = heartbeat_stale_seconds() or 120
        self.interval = max(1.0, min(5.0, stale / 4))
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
        self._failing = False

    def start(self) -> Heartbeat:
        self.beat()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()

    def beat(self) -> None:
        try:
            # Only the time stamp changes, which works on a full disk too.
            self.path.touch()
        except OSError as error:
            if not self._failing:
                logger.warning("worker: cannot write the heartbeat %s: %s", self.path, error)
            self._failing = True
        else:
            self._failing = False

    def _run(self) -> None:
        while not self._stopped.wait(self.interval):
            self.beat()


def reclaim_abandoned_tasks(identity: str) -> int:
    """Hand tasks a dead worker of this identity was running back to the queue; return how many.

    Tasks are idempotent, so running one again is safe; one that keeps killing its worker is
    marked failed instead after TASK_MAX_CLAIMS runs.
    """
    abandoned = [
        result
        for result in DBTaskResult.objects.running()
        if result.worker_ids and result.worker_ids[-1] == identity
    ]
    for result in abandoned:
        if len(result.worker_ids) >= TASK_MAX_CLAIMS:
            result.set_failed(WorkerDied(f"worker {identity} died running it"))
            logger.warning("worker: task %s failed: its worker died running it", result.pk)
            continue
        DBTaskResult.objects.filter(pk=result.pk, status=result.status).update(
            status="READY", started_at=None
        )
        logger.warning("worker: task %s was abandoned by a dead worker; queued again", result.pk)
    return len(abandoned)


class ResilientWorker(Worker):
    """db_worker's loop, restarted with backoff after a database error instead of dying.

    Before each (re)start it takes back the tasks its dead predecessor, or its own failed
    loop, left running, and calls the apps' start hooks once.
    """

    def __init__(self, *, start_hooks: Callable[[], None], **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self._start_hooks: Callable[[], None] | None = start_hooks

    def run(self) -> None:
        failures = 0
        while True:
            started = time.monotonic()
            try:
                reclaim_abandoned_tasks(self.worker_id)
                if self._start_hooks is not None:
                    self._start_hooks()
                    self._start_hooks = None
                super().run()
                return
            except DatabaseError as error:
                # A burst run reports the failure; a standing worker waits for the database.
                if self.batch or not self.running:
                    raise
                if time.monotonic() - started > STABLE_SECONDS:
                    failures = 0
                delay = min(RETRY_DELAY_MIN * 2**failures, RETRY_DELAY_MAX)
                failures += 1
                logger.warning(
                    "worker: database error at %s (%s: %s); retrying in %g s",
                    timezone.now().isoformat(timespec="seconds"),
                    type(error).__name__,
                    error,
                    delay,
                )
                discard_connections()
                # A SIGTERM during this sleep ends the process (db_worker's handler exits).
                time.sleep(delay)
