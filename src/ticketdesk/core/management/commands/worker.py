"""`ticketdesk worker`: the background task worker for the configured backend."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

RQ_BACKEND = "django_tasks_rq.RQBackend"


class Command(BaseCommand):
    help = (
        "Run the background task worker: RQ when REDIS_URL is set, otherwise the database "
        "worker (db_worker). Stops gracefully on SIGINT/SIGTERM."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--burst", action="store_true", help="Run the queued tasks, then exit.")

    def handle(self, *args: Any, burst: bool, **options: Any) -> None:
        backend = settings.TASKS["default"]
        verbosity = options["verbosity"]
        if backend["BACKEND"] == RQ_BACKEND:
            queues = backend.get("QUEUES") or list(settings.RQ_QUEUES)
            call_command(
                "rqworker",
                *queues,
                job_class="django_tasks_rq.Job",
                with_scheduler=True,
                burst=burst,
                verbosity=verbosity,
            )
        else:
            call_command(
                "db_worker",
                queue_name="*",
                batch=burst,
                reload=False,
                verbosity=verbosity,
            )
