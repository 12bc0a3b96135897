"""A real IMAP server for tests: Debian's Dovecot on a free loopback port, in a temporary directory.

    with DovecotServer() as server:
        account = server.add_account()          # fresh user, empty maildir
        server.append(account, ["INBOX"], [raw1, raw2])   # one connection, APPEND each
        server.uids(account, "INBOX")

Users live in a passwd-file written at start, mail in maildirs
owned by one system user. Dovecot refuses to run its login and mail processes as
root, so under root they run as the package's own users (dovenull, dovecot).
"""

from __future__ import annotations

import imaplib
import itertools
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tests.smtp_sink import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
START_TIMEOUT = 20.0
# Accounts are written before the server starts: Dovecot notices a changed passwd-file
# by its mtime, which misses changes made within the same second.
ACCOUNTS = 500
PASSWORD = "imap-secret"


@dataclass(frozen=True)
class Account:
    host: str
    port: int
    username: str
    password: str


def dovecot_version() -> tuple[int, int] | None:
    """(major, minor) of the installed Dovecot, None when it is not installed."""
    if not Path(DOVECOT).exists():
        return None
    result = subprocess.run([DOVECOT, "--version"], capture_output=True, text=True, check=False)
    match = re.match(r"(\d+)\.(\d+)", result.stdout.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def _mail_owner() -> tuple[int, int]:
    if os.getuid() != 0:
        return os.getuid(), os.getgid()
    # Dovecot will not open mail as uid 0; the package's own user owns the test maildirs.
    entry = pwd.getpwnam("dovecot")
    return entry.pw_uid, entry.pw_gid


def _config(root: Path, port: int, version: tuple[int, int]) -> str:
    uid, gid = _mail_owner()
    as_user = "" if os.getuid() == 0 else _unprivileged_users()
    listener = f"""
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""
    common = f"""base_dir = {root}/run
state_dir = {root}/state
instance_name = ticketdesk-test-{port}
listen = 127.0.0.1
protocols = imap
ssl = no
auth_mechanisms = plain login
log_path = {root}/dovecot.log
first_valid_uid = 1
# Test mail need not survive a power cut; without fsync APPEND is many times faster.
mail_fsync = never
{as_user}"""
    if version >= (2, 4):
        return f"""dovecot_config_version = 2.4.0
dovecot_storage_version = 2.4.0
{common}
auth_allow_cleartext = yes
mail_driver = maildir
mail_path = {root}/mail/%{{user}}
passdb passwd-file {{
  passwd_file_path = {root}/passwd
}}
userdb static {{
  fields {{
    uid = {uid}
    gid = {gid}
    home = {root}/home/%{{user}}
  }}
}}
{listener}"""
    return f"""{common}
disable_plaintext_auth = no
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
{listener}"""


def _unprivileged_users() -> str:
    user = pwd.getpwuid(os.getuid()).pw_name
    return f"default_internal_user = {user}\ndefault_login_user = {user}\n"


class DovecotServer:
    def __init__(self) -> None:
        version = dovecot_version()
        if version is None:
            raise FileNotFoundError(DOVECOT)
        self.version = version
        self.host = "127.0.0.1"
        self.port = free_port()
        # Not pytest's tmp_path: that is private to root (0700), and Dovecot's mail
        # processes run as another user.
        self.root = Path(tempfile.mkdtemp(prefix="ticketdesk-dovecot-"))
        self.root.chmod(0o755)
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> DovecotServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        for name in ("run", "state", "mail", "home"):
            (self.root / name).mkdir(exist_ok=True)
        uid, gid = _mail_owner()
        for name in ("mail", "home"):
            os.chown(self.root / name, uid, gid)
        (self.root / "passwd").write_text(
            "".join(f"user{n}:{{PLAIN}}{PASSWORD}\n" for n in range(1, ACCOUNTS + 1))
        )
        self._users = itertools.count(1)
        conf = self.root / "dovecot.conf"
        conf.write_text(_config(self.root, self.port, self.version))
        self._process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self._process.stderr.read().decode()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=1) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.05)
        raise TimeoutError(f"dovecot did not start: {self.log()}")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # --- accounts and mail ------------------------------------------------

    def add_account(self) -> Account:
        """An account no test has used yet, with an empty INBOX."""
        number = next(self._users)
        if number > ACCOUNTS:
            raise RuntimeError(f"more than {ACCOUNTS} accounts; raise ACCOUNTS")
        return Account(self.host, self.port, f"user{number}", PASSWORD)

    def connect(self, account: Account) -> imaplib.IMAP4:
        client = imaplib.IMAP4(self.host, self.port, timeout=30)
        client.login(account.username, account.password)
        return client

    def append(self, account: Account, folder: str, messages: Iterable[bytes]) -> None:
        client = self.connect(account)
        try:
            client.create(folder)  # NO when it exists (INBOX always does); harmless
            for raw in messages:
                status, data = client.append(folder, None, None, raw)
                assert status == "OK", data
        finally:
            client.logout()

    def uids(self, account: Account, folder: str) -> list[int]:
        """UIDs in `folder` (empty when the folder does not exist)."""
        client = self.connect(account)
        try:
            status, _ = client.select(folder, readonly=True)
            if status != "OK":
                return []
            _, data = client.uid("SEARCH", "ALL")
            return [int(uid) for uid in data[0].split()]
        finally:
            client.logout()

    def flags(self, account: Account, folder: str) -> dict[int, set[str]]:
        client = self.connect(account)
        try:
            client.select(folder, readonly=True)
            _, data = client.uid("FETCH", "1:*", "(FLAGS)")
            found: dict[int, set[str]] = {}
            for line in data:
                if not line:
                    continue
                uid = re.search(rb"UID (\d+)", line)
                flags = re.search(rb"FLAGS \(([^)]*)\)", line)
                if uid and flags:
                    found[int(uid.group(1))] = set(flags.group(1).decode().split())
            return found
        finally:
            client.logout()

    def recreate_folder(self, account: Account, folder: str) -> None:
        """Delete and create `folder`: a new UIDVALIDITY, UIDs start at 1 again."""
        client = self.connect(account)
        try:
            client.delete(folder)
            client.create(folder)
        finally:
            client.logout()

    def uidvalidity(self, account: Account, folder: str) -> int:
        client = self.connect(account)
        try:
            _, data = client.status(folder, "(UIDVALIDITY)")
            return int(re.search(rb"UIDVALIDITY (\d+)", data[0]).group(1))
        finally:
            client.logout()
