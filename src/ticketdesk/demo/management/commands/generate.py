"""`ticketdesk generate --tickets N`: bulk data of realistic shape for benchmarks."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ticketdesk.demo.generate import DEFAULT_BATCH, generate


class Command(BaseCommand):
    help = gettext_lazy(
        "Generate customers, contacts and tickets with messages and events in bulk "
        "(bypasses the ticket services for speed; for benchmarks, not for production data)."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # argparse wraps the description with a regular expression, which needs a str.
        parser.description = str(self.help)
        return parser

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--tickets", type=int, required=True, help=gettext_lazy("Tickets."))
        parser.add_argument(
            "--customers", type=int, help=gettext_lazy("Customers (default: tickets / 25).")
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=DEFAULT_BATCH,
            help=gettext_lazy("Tickets per transaction."),
        )
        parser.add_argument(
            "--seed", type=int, default=1, help=gettext_lazy("Random seed (same seed, same data).")
        )
        parser.add_argument(
            "--years", type=float, default=2.0, help=gettext_lazy("Spread over this many years.")
        )
        parser.add_argument(
            "--no-progress", action="store_true", help=gettext_lazy("Hide the progress bar.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["tickets"] < 1 or options["batch"] < 1:
            raise CommandError(_("--tickets and --batch must be at least 1."))
        if options["customers"] is not None and options["customers"] < 1:
            raise CommandError(_("--customers must be at least 1."))
        result = generate(
            tickets=options["tickets"],
            customers=options["customers"],
            batch=options["batch"],
            seed=options["seed"],
            years=options["years"],
            progress=not options["no_progress"] and options["verbosity"] > 0,
        )
        self.stdout.write(
            _(
                "Generated %(customers)d customers, %(contacts)d contacts, %(tickets)d tickets, "
                "%(messages)d messages, %(events)d events in %(seconds).1f s."
            )
            % vars(result)
        )
