"""`ticketdesk serve`: the production entry point (web server and task worker, no demo data)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ticketdesk.core import serving


class Command(BaseCommand):
    help = (
        "Migrate the database, collect static files, then run the web server (gunicorn) and "
        "the background task worker until Ctrl-C or SIGTERM, restarting either when it dies."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default=settings.SERVE_HOST, help="Address to bind to.")
        parser.add_argument(
            "--port", type=int, default=settings.SERVE_PORT, help="Port to listen on."
        )

    def handle(self, *args: Any, host: str, port: int, **options: Any) -> None:
        address = serving.bind_address(host, port)
        serving.prepare(self.stdout)
        self.before_start()
        try:
            listener = serving.listen(host, port)
        except OSError as error:
            raise CommandError(
                _("Cannot listen on %(address)s: %(reason)s. Set HOST and PORT to a free address.")
                % {"address": address, "reason": error.strerror or error}
            ) from error
        try:
            serving.supervise(
                [
                    serving.web_server(listener),
                    serving.task_worker(serving.supervised_worker_id(host, port)),
                ],
                stdout=self.stdout,
                is_ready=lambda: serving.answers_http(host, port),
                on_ready=lambda: self.announce(serving.public_url(host, port)),
            )
        except (TimeoutError, serving.SupervisorGaveUp) as error:
            raise CommandError(str(error)) from error
        finally:
            listener.close()

    def before_start(self) -> None:
        """Hook for `ticketdesk demo`: runs after migrations, before the processes start."""

    def announce(self, url: str) -> None:
        self.stdout.write(
            self.style.SUCCESS(_("Ticketdesk is running at %(url)s") % {"url": url})
            + "\n"
            + _("Press Ctrl-C to stop.")
        )
