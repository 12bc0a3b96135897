"""App config of time keeping: agents' working time on tickets (timer and time segments)."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimekeepingConfig(AppConfig):
    name = "ticketdesk.timekeeping"
    label = "timekeeping"
    verbose_name = _("Time keeping")

    def ready(self) -> None:
        from ticketdesk.core.dashboard import DashboardPanel, register_panel
        from ticketdesk.tickets.export import ExportColumn, register_export_column
        from ticketdesk.tickets.page_panels import TicketPanel, register_ticket_panel

        from .extensions import minutes_per_ticket, my_time_today
        from .panel import ticket_time_context

        register_ticket_panel(
            TicketPanel("timekeeping/ticket_time.html", "time", ticket_time_context, order=10)
        )
        register_panel(DashboardPanel("timekeeping/dashboard_panel.html", my_time_today, order=20))
        register_export_column(ExportColumn(_("Time (minutes)"), minutes_per_ticket))
        register_export_column(
            ExportColumn(
                _("Billable time (minutes)"), lambda: minutes_per_ticket(billable_only=True)
            )
        )

    def on_worker_start(self) -> None:
        """End the timers left running while no worker ran (their pages are long gone)."""
        from django_tasks_db.backend import DatabaseBackend

        from .tasks import close_idle_timers, schedule_idle_check

        # Only the database backend can be asked whether a run waits; with another
        # backend (Redis) idle timers close at the agent's next heartbeat instead.
        if isinstance(close_idle_timers.get_backend(), DatabaseBackend):
            schedule_idle_check()
