"""The hooked test app: its worker start hook leaves a file naming the worker."""

from __future__ import annotations

from pathlib import Path

from django.apps import AppConfig
from django.conf import settings

MARKER = "worker-started"


class HookedAppConfig(AppConfig):
    name = "tests.core.hooked_app"
    label = "hooked_app"

    def on_worker_start(self) -> None:
        from ticketdesk.core.workers import worker_id

        with (Path(settings.DATA_DIR) / MARKER).open("a") as marker:
            marker.write(f"{worker_id()}\n")
