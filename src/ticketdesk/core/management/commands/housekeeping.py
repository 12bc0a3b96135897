"""`ticketdesk housekeeping`: prune old task results and sent mail now (cron-able)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ticketdesk.core.housekeeping import run_housekeeping


class Command(BaseCommand):
    help = (
        "Delete finished task results older than TASK_RESULT_KEEP_DAYS and sent e-mails older "
        "than OUTBOX_SENT_KEEP_DAYS. The worker does this once a day by itself; run it from "
        "cron when the worker does not (REDIS_URL)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for label, count in run_housekeeping().items():
            self.stdout.write(_("%(label)s: %(count)d removed.") % {"label": label, "count": count})
