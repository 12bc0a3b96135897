"""`ticketdesk load_demo`: load the demo data set (once; a second run changes nothing)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ticketdesk.demo.loader import load_demo_data


class Command(BaseCommand):
    help = gettext_lazy("Load the demo data set (logins, customers, tickets) unless present.")

    def handle(self, *args: Any, **options: Any) -> None:
        if load_demo_data(self.stdout):
            self.stdout.write(self.style.SUCCESS(_("Demo data loaded.")))
        else:
            self.stdout.write(_("Demo data already present, nothing changed."))
