"""Acceptance: 500 messages in a folder are imported exactly once by real `fetch_mail` processes.

Once when the fetcher is SIGKILLed half-way and started again, once when two
fetchers start at the same moment. The children are the installed `ticketdesk`
command against a shared database (see processes.py) and the test's Dovecot.
"""

from __future__ import annotations

import re
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from .dovecot import Account, DovecotServer
from .factories import message_id, sample_message
from .processes import Children, child_env, postgres_url

pytestmark = [
    pytest.mark.slow,
    # Committed data, so the children see it; the migrations' default lists come back after.
    pytest.mark.django_db(transaction=True),
]

COUNT = 500
KILL_AFTER = 150
LEASE_SECONDS = 2
CREATE_MAILBOX = """
from ticketdesk.inbound.models import Mailbox
Mailbox.objects.create(
    name="Support", host={host!r}, port={port}, security="none", username={username!r},
    password={password!r}, folder="INBOX", after_import="seen",
)
print(1)
"""
STATE = """
import json
from collections import Counter
from ticketdesk.inbound.models import InboundMessage, Mailbox
from ticketdesk.tickets.models import Message
rows = InboundMessage.objects.values_list("message_id", "processed_at", "ticket_message_id")
entries = Message.objects.exclude(message_id="").values_list("message_id", flat=True)
timeline = Counter(mid.strip("<>") for mid in entries)
mailbox = Mailbox.objects.get()
print(json.dumps({
    "message_ids": [mid for mid, _, _ in rows],
    "unrouted": sum(1 for _, processed, _ in rows if processed is None),
    "timeline_entries": len({entry for _, _, entry in rows if entry is not None}),
    "timeline": timeline,
    "last_uid": mailbox.last_uid,
    "locked_by": mailbox.locked_by,
    "last_error": mailbox.last_error,
}))
"""
REPORT = re.compile(r"Support: fetched (\d+), new (\d+), already stored (\d+)")
EXPECTED = sorted(message_id(n, tag="fault") for n in range(1, COUNT + 1))


@pytest.fixture
def children(tmp_path: Path) -> Children:
    """`ticketdesk` children sharing the test database (PostgreSQL) or a file copy of it."""
    extra = {"INBOUND_FETCH_LEASE_SECONDS": str(LEASE_SECONDS)}
    if connection.vendor == "postgresql":
        extra["DATABASE_URL"] = postgres_url(connection.settings_dict)
    else:
        # The pytest database is in memory; the children get a copy of its (migrated) state.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(tmp_path / "ticketdesk.sqlite3")])
    return Children(env=child_env(tmp_path, **extra))


@pytest.fixture
def full_folder(dovecot: DovecotServer, imap_account: Account, children: Children) -> Account:
    """500 messages in the account's INBOX, and a mailbox for it in the children's database."""
    dovecot.append(
        imap_account, "INBOX", [sample_message(n, tag="fault") for n in range(1, COUNT + 1)]
    )
    children.python(
        CREATE_MAILBOX.format(
            host=imap_account.host,
            port=imap_account.port,
            username=imap_account.username,
            password=imap_account.password,
        )
    )
    return imap_account


@pytest.fixture
def watchdog() -> Iterator[list[Any]]:
    """Kills the processes put in the list should a test hang on them."""
    processes: list[Any] = []
    timer = threading.Timer(240, lambda: [p.kill() for p in processes if p.poll() is None])
    timer.start()
    yield processes
    timer.cancel()


def assert_imported_once(state: dict[str, Any]) -> None:
    assert len(state["message_ids"]) == COUNT
    assert sorted(state["message_ids"]) == EXPECTED
    assert state["unrouted"] == 0
    assert state["timeline_entries"] == COUNT
    assert state["timeline"] == dict.fromkeys(EXPECTED, 1)  # one timeline entry per message
    assert state["last_uid"] == COUNT
    assert (state["locked_by"], state["last_error"]) == ("", "")


def test_fetcher_killed_half_way_and_restarted_imports_each_message_once(
    children: Children,
    dovecot: DovecotServer,
    full_folder: Account,
    tmp_path: Path,
    watchdog: list[Any],
) -> None:
    fetcher = children.start("fetch_mail", "--verbosity", "2", log=tmp_path / "fetcher.log")
    watchdog.append(fetcher)
    imported = 0
    for line in fetcher.stdout:
        imported += "\tUID " in line
        if imported == KILL_AFTER:
            fetcher.send_signal(signal.SIGKILL)
            break
    fetcher.wait()
    at_kill = children.python(STATE)
    time.sleep(LEASE_SECONDS + 0.5)  # until the dead fetcher's lease has run out
    restarted = children.run("fetch_mail")
    final = children.python(STATE)

    assert fetcher.returncode == -signal.SIGKILL, (tmp_path / "fetcher.log").read_text()
    stored_at_kill = len(at_kill["message_ids"])
    assert KILL_AFTER <= stored_at_kill < COUNT  # killed half-way
    assert at_kill["locked_by"]  # ... holding the lease
    assert restarted.returncode == 0, restarted.stderr
    fetched, new, already = map(int, REPORT.search(restarted.stdout).groups())
    assert fetched == COUNT - at_kill["last_uid"]  # resumed after the last recorded UID
    assert new == COUNT - stored_at_kill
    assert already == stored_at_kill - at_kill["last_uid"] <= 1  # stored, progress not yet
    assert_imported_once(final)
    assert set().union(*dovecot.flags(full_folder, "INBOX").values()) == {"\\Seen"}


def test_two_fetchers_started_together_import_each_message_once(
    children: Children, full_folder: Account, tmp_path: Path, watchdog: list[Any]
) -> None:
    fetchers = [children.start("fetch_mail", log=tmp_path / f"fetcher{n}.log") for n in (1, 2)]
    watchdog.extend(fetchers)
    outputs = [fetcher.communicate(timeout=240)[0].strip() for fetcher in fetchers]
    final = children.python(STATE)

    assert [fetcher.returncode for fetcher in fetchers] == [0, 0], outputs
    assert sorted(outputs) == [
        f"Support: fetched {COUNT}, new {COUNT}, already stored 0",
        "Support: skipped, another fetcher is working on it",
    ]
    assert_imported_once(final)
