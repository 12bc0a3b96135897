"""`ticketdesk demo`: `serve`, with the demo data set loaded on the first start (`make run`)."""

from __future__ import annotations

import importlib

from django.utils.translation import gettext as _

from .serve import Command as ServeCommand

DEMO_MODULE = "ticketdesk.core.demo"
DEMO_LOGINS = [
    ("admin@example.com", "admin"),
    ("agent@example.com", "agent"),
    ("customer@example.com", "customer"),
]


class Command(ServeCommand):
    help = (
        "Like serve, but loads the demo data set on the first start and prints the demo "
        "logins. What `make run` calls."
    )

    def before_start(self) -> None:
        try:
            demo = importlib.import_module(DEMO_MODULE)
        except ModuleNotFoundError as error:
            if error.name != DEMO_MODULE:
                raise
            self.stdout.write(self.style.WARNING(_("No demo data set in this version.")))
            return
        if demo.load_demo_data(self.stdout):
            self.stdout.write(self.style.SUCCESS(_("Demo data loaded.")))
        else:
            self.stdout.write(_("Demo data already present, keeping it."))

    def announce(self, url: str) -> None:
        super().announce(url)
        lines = [_("Demo logins (e-mail / password):")]
        lines += [f"  {email} / {password}" for email, password in DEMO_LOGINS]
        lines.append(_("Customer portal: %(url)s") % {"url": f"{url.rstrip('/')}/portal/"})
        self.stdout.write("\n".join(lines))
