"""The `ticketdesk` command: Django's manage.py for this project."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ticketdesk.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        # Loaded here, not inside Django's command dispatch: a configuration error from the
        # environment (an unusable TICKETDESK_DATA_DIR, say) is one sentence for the operator,
        # not a traceback.
        settings.INSTALLED_APPS  # noqa: B018 - the access imports the settings module
    except ImproperlyConfigured as error:
        sys.stderr.write(f"ticketdesk: {error}\n")
        raise SystemExit(1) from None
    execute_from_command_line(["ticketdesk", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
