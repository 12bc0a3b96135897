"""App config of the webhooks (Configuration → Webhooks, delivery by the task worker)."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "ticketdesk.api.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from ticketdesk.core import config_cache
        from ticketdesk.core.config_menu import ConfigLink, register_config_link
        from ticketdesk.tickets.services.changesets import register_changeset_hook

        from .models import WebhookSubscription
        from .services import queue_changeset_deliveries

        config_cache.track(WebhookSubscription)
        register_changeset_hook(queue_changeset_deliveries)
        register_config_link(
            ConfigLink(
                section=_("Integrations"),
                title=_("Webhooks"),
                url_name="config_webhooks:list",
                order=950,
            )
        )

    def on_worker_start(self) -> None:
        """Start the daily pruning; deliver at once what a dead predecessor had leased."""
        from django_tasks_db.backend import DatabaseBackend

        from ticketdesk.core.tasks import start_daily

        from .sender import release_predecessor_leases
        from .tasks import prune_delivery_log_daily, schedule_webhook_sender, send_webhooks

        start_daily(prune_delivery_log_daily)
        release_predecessor_leases()
        # Only the database backend can be asked whether a run waits (as for the timers);
        # on Redis the sender is queued by each change-set's commit.
        if isinstance(send_webhooks.get_backend(), DatabaseBackend):
            schedule_webhook_sender()

    def housekeeping(self) -> dict[str, int]:
        from .services import prune_delivery_log

        return {gettext("webhook deliveries"): prune_delivery_log()}
