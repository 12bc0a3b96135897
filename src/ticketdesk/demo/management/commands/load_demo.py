"""`ticketdesk load_demo`: load the demo data set (once; a second run changes nothing)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ticketdesk.demo.loader import load_demo_data


class Command(BaseCommand):
    help = gettext_lazy("Load the demo data set (logins, customers, tickets) unless present.")

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # argparse wraps the description with a regular expression, which needs a str.
        parser.description = str(self.help)
        return parser

    def handle(self, *args: Any, **options: Any) -> None:
        if load_demo_data(self.stdout):
            self.stdout.write(self.style.SUCCESS(_("Demo data loaded.")))
        else:
            self.stdout.write(_("Demo data already present, nothing changed."))
