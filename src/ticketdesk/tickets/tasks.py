"""Periodic work of the tickets app."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from ticketdesk.core.tasks import continue_periodic

# How often the SLA warnings are looked for: the precision of "warned before the breach".
SLA_CHECK_EVERY = timedelta(minutes=5)


@task()
def send_sla_warnings_periodically() -> int:
    """Send due SLA warnings; the next run is queued first, so a failure keeps the cycle."""
    from ticketdesk.tickets.services.sla_warnings import send_sla_warnings

    continue_periodic(send_sla_warnings_periodically, every=SLA_CHECK_EVERY)
    return send_sla_warnings()
