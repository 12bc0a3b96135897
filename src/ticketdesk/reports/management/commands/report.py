"""`ticketdesk report SECTION --from YYYY-MM-DD --to YYYY-MM-DD [filters] --format csv|json`."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ticketdesk.reports.export import BOM, report_csv, report_json
from ticketdesk.reports.forms import CUSTOM, ReportFilterForm
from ticketdesk.reports.permissions import EVERYTHING
from ticketdesk.reports.sections import SECTIONS, build_report

# Like argparse's own usage errors: a wrong call, nothing done (sysexits' EX_USAGE is 64,
# but scripts check for 2, which argparse already uses for the options it refuses).
USAGE_ERROR = 2


class Command(BaseCommand):
    help = format_lazy(
        gettext_lazy("Print one report section ({sections}) as CSV or JSON (all teams)."),
        sections=", ".join(SECTIONS),
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("section", metavar="SECTION", help=", ".join(SECTIONS))
        parser.add_argument(
            "--from", dest="first", required=True, help=gettext_lazy("First day, YYYY-MM-DD.")
        )
        parser.add_argument(
            "--to", dest="last", required=True, help=gettext_lazy("Last day, YYYY-MM-DD.")
        )
        for name, meaning in [
            ("team", gettext_lazy("team, by id or name")),
            ("category", gettext_lazy("category, by id or name")),
            ("customer", gettext_lazy("customer, by number or id")),
            ("agent", gettext_lazy("agent, by id or e-mail address")),
        ]:
            parser.add_argument(
                f"--{name}",
                action="append",
                default=[],
                metavar="VALUE",
                help=format_lazy(gettext_lazy("Only this {} (repeatable)."), meaning),
            )
        parser.add_argument("--period", choices=["week", "month"], help=gettext_lazy("Trend by."))
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help=gettext_lazy("Language of the labels (default: LANGUAGE_CODE)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["language"] or settings.LANGUAGE_CODE):
            self.stdout.write(self._render(options), ending="")

    def _render(self, options: dict[str, Any]) -> str:
        section = options["section"]
        if section not in SECTIONS:
            raise CommandError(
                _("Unknown section %(section)r; choose one of: %(choices)s.")
                % {"section": section, "choices": ", ".join(SECTIONS)},
                returncode=USAGE_ERROR,
            )
        data = {
            "range": CUSTOM,
            "from": options["first"],
            "to": options["last"],
            "period": options["period"] or "",
        }
        data |= {name: options[name] for name in ("team", "category", "customer", "agent")}
        form = ReportFilterForm(data, scope=EVERYTHING)
        if not form.is_valid():
            lines = [
                message if name == "__all__" else f"--{name}: {message}"
                for name, messages in form.error_messages().items()
                for message in messages
            ]
            raise CommandError("\n".join(lines), returncode=USAGE_ERROR)
        query = form.to_query()
        report = build_report(section, query)
        if options["format"] == "json":
            return json.dumps(report_json(report, query), ensure_ascii=False, indent=2) + "\n"
        # No byte-order mark on standard output: it is for spreadsheet programs, not pipes.
        return report_csv(report).removeprefix(BOM)
