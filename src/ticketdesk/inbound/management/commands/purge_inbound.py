"""`ticketdesk purge_inbound`: delete discarded incoming mail past its retention (cron-able)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ticketdesk.inbound.inbox.services import purge_discarded


class Command(BaseCommand):
    help = "Delete discarded incoming messages older than INBOUND_DISCARD_KEEP_DAYS days."

    def handle(self, *args: Any, **options: Any) -> None:
        count = purge_discarded()
        self.stdout.write(_("%(count)d discarded message(s) purged.") % {"count": count})
