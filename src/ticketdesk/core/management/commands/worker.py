"""`ticketdesk worker`: the background task worker for the configured backend.

Around the backend's own worker it keeps a heartbeat file for /healthz, calls the apps'
`on_worker_start()` hooks, and (database backend) survives database errors: it logs, backs off,
reconnects and carries on, and takes back the tasks a dead predecessor of the same identity
left running.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from ticketdesk.core import workers

RQ_BACKEND = "django_tasks_rq.RQBackend"
POLL_INTERVAL = 1.0
# db_worker stores worker ids in 64 characters; outbox leases add a suffix to ours.
WORKER_ID_MAX_LENGTH = 45

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run the background task worker: RQ when REDIS_URL is set, otherwise the database "
        "worker (db_worker), which rides out database errors. Stops gracefully on "
        "SIGINT/SIGTERM."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--burst", action="store_true", help="Run the queued tasks, then exit.")
        parser.add_argument(
            "--worker-id",
            default="",
            help=(
                "Identity that stays the same when this worker is restarted (`serve` passes "
                "one), so a new worker takes back its dead predecessor's work at once. Must "
                "be unique among running workers. Default: host and process id."
            ),
        )

    def handle(self, *args: Any, burst: bool, worker_id: str, **options: Any) -> None:
        if worker_id:
            workers.set_worker_id(worker_id[:WORKER_ID_MAX_LENGTH])
        backend = settings.TASKS["default"]
        verbosity = options["verbosity"]
        heartbeat = workers.Heartbeat().start()
        try:
            if backend["BACKEND"] == RQ_BACKEND:
                self.run_rq(backend, burst=burst, verbosity=verbosity)
            else:
                self.run_database_worker(burst=burst, verbosity=verbosity)
        finally:
            heartbeat.stop()

    def run_rq(self, backend: dict[str, Any], *, burst: bool, verbosity: int) -> None:
        try:
            workers.call_start_hooks()
        except Exception:
            # RQ recovers from a lost Redis by itself; a hook failing must not keep it from it.
            logger.exception("worker: a start hook failed")
        queues = backend.get("QUEUES") or list(settings.RQ_QUEUES)
        call_command(
            "rqworker",
            *queues,
            job_class="django_tasks_rq.Job",
            with_scheduler=True,
            burst=burst,
            verbosity=verbosity,
        )

    def run_database_worker(self, *, burst: bool, verbosity: int) -> None:
        # db_worker's command sets up its loggers; its loop is ours to wrap.
        DbWorkerCommand(stdout=self.stdout, stderr=self.stderr).configure_logging(verbosity)
        worker = workers.ResilientWorker(
            start_hooks=workers.call_start_hooks,
            queue_names=["*"],
            interval=POLL_INTERVAL,
            batch=burst,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=not burst,
            max_tasks=None,
            worker_id=workers.worker_id(),
            excluded_queue_names=[],
        )
        worker.configure_signals()
        worker.run()
