"""Real `ticketdesk` child processes for the IMAP fault tests, and the database they share.

The children run the installed command with their own settings, so they need a
database another process can open: on PostgreSQL the test database itself (the tests
commit, transactional_db empties it afterwards); on SQLite, whose pytest database
lives in memory, a file copy of it in a temporary data directory. Reads go through a
child too (`ticketdesk shell`), the same way on both.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

REPO_ROOT = Path(__file__).resolve().parents[3]
TICKETDESK = str(Path(sys.executable).parent / "ticketdesk")
# The environment of the developer or of the outer test run must not steer the children.
NOT_INHERITED = (
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "SECRET_KEY",
    "DEBUG",
    "LANGUAGE_CODE",
    "DJANGO_SETTINGS_MODULE",
    "TEST_DB_FILE",
    "TICKETDESK_TESTING",
)


def child_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    env.update(
        TICKETDESK_DATA_DIR=str(data_dir),
        LANGUAGE_CODE="en",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(REPO_ROOT),
    )
    env.update(extra)
    return env


def postgres_url(settings_dict: dict[str, Any]) -> str:
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


@dataclass(frozen=True)
class Children:
    """Starts `ticketdesk` commands against one shared database."""

    env: dict[str, str]

    def start(self, *args: str, log: Path) -> subprocess.Popen[str]:
        """Start a command; stdout is piped, stderr (the log) goes to the file `log`."""
        with log.open("a") as stderr:
            return subprocess.Popen(
                [TICKETDESK, *args],
                env=self.env,
                cwd=REPO_ROOT,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [TICKETDESK, *args],
            env=self.env,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def python(self, code: str) -> Any:
        """Run `code` in `ticketdesk shell`; it must print one JSON value as its last line."""
        result = self.run("shell", "-c", code, timeout=120)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])
