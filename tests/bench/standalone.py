"""Running a volume benchmark as a script, on a database kept between runs."""

from __future__ import annotations

import argparse
import os
from pathlib import Path


def add_database_arguments(parser: argparse.ArgumentParser, *, data_dir: str) -> None:
    parser.add_argument("--data-dir", default=data_dir, help="SQLite database directory")
    parser.add_argument("--database-url", default="", help="instead of SQLite (kept between runs)")


def set_up_django(args: argparse.Namespace) -> None:
    """Settings for the chosen database, Django set up and the database migrated."""
    os.environ.pop("DATABASE_URL", None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.update(
        # Test settings (plain static storage, no collectstatic needed); same code paths.
        TICKETDESK_TESTING="1",
        TICKETDESK_DATA_DIR=str(Path(args.data_dir).resolve()),
        DJANGO_SETTINGS_MODULE="ticketdesk.settings",
        LOG_LEVEL="WARNING",
        ALLOWED_HOSTS="testserver",
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
