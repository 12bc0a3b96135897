"""App config of the shared kernel."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ticketdesk.core"
    label = "core"
    verbose_name = _("Core")

    def on_worker_start(self) -> None:
        """Start the daily pruning of task results unless a run is already under way."""
        from ticketdesk.core.housekeeping import prune_task_results_daily
        from ticketdesk.core.tasks import start_daily

        start_daily(prune_task_results_daily)

    def housekeeping(self) -> dict[str, int]:
        from ticketdesk.core.housekeeping import prune_task_results

        return {gettext("finished task results"): prune_task_results()}
