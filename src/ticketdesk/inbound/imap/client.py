"""A small IMAP client over the standard library's imaplib: log in, select, list, fetch, act."""

from __future__ import annotations

import base64
import imaplib
import re
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from ticketdesk.inbound.models import MailboxSecurity

CONNECT_FAILED = _("Could not connect to %(host)s:%(port)s: %(error)s")
LOGIN_FAILED = _("Login failed: %(error)s")
FOLDER_FAILED = _("Cannot open the folder “%(folder)s”: %(error)s")
COMMAND_FAILED = _("The IMAP server refused %(command)s: %(error)s")
_UID = re.compile(rb"\bUID (\d+)", re.IGNORECASE)


class ImapError(Exception):
    """Connection, TLS, login or protocol trouble, worded for the administrator."""


@dataclass(frozen=True)
class ServerSettings:
    host: str
    port: int
    security: str
    username: str
    password: str
    timeout: float


@dataclass(frozen=True)
class FolderState:
    uidvalidity: int
    exists: int


def encode_folder_name(name: str) -> str:
    """A folder name in IMAP's modified UTF-7 (RFC 3501 §5.1.3)."""
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            encoded = base64.b64encode("".join(run).encode("utf-16-be")).decode("ascii")
            out.append("&" + encoded.rstrip("=").replace("/", ",") + "-")
            run.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            run.append(char)
    flush()
    return "".join(out)


def quote(value: str) -> str:
    """An IMAP quoted string (imaplib sends arguments as they are)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return " ".join(_text(item) for item in value if item is not None)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


@contextmanager
def open_session(server: ServerSettings) -> Iterator[ImapSession]:
    """A logged-in session; logs out on exit. Raises ImapError, never imaplib's errors."""
    client = _connect(server)
    connection_lost = False
    try:
        _login(client, server)
        yield ImapSession(client)
    except ImapError as exc:
        connection_lost = isinstance(exc.__cause__, OSError)
        raise
    finally:
        _close(client, politely=not connection_lost)


def _close(client: imaplib.IMAP4, *, politely: bool) -> None:
    # After a timeout or a broken connection, LOGOUT would wait another full timeout for a
    # server that is gone; and imaplib's logout() raises before closing the socket.
    if politely:
        with suppress(imaplib.IMAP4.error, OSError):
            client.logout()
            return
    with suppress(OSError):
        client.shutdown()


def _connect(server: ServerSettings) -> imaplib.IMAP4:
    context = ssl.create_default_context()
    try:
        if server.security == MailboxSecurity.TLS:
            return imaplib.IMAP4_SSL(
                server.host, server.port, ssl_context=context, timeout=server.timeout
            )
        client = imaplib.IMAP4(server.host, server.port, timeout=server.timeout)
        if server.security == MailboxSecurity.STARTTLS:
            client.starttls(ssl_context=context)
    except (imaplib.IMAP4.error, OSError) as exc:
        raise ImapError(
            CONNECT_FAILED % {"host": server.host, "port": server.port, "error": exc}
        ) from exc
    return client


def _login(client: imaplib.IMAP4, server: ServerSettings) -> None:
    try:
        if "AUTH=PLAIN" in client.capabilities:
            # SASL PLAIN carries any user name and password as UTF-8 (RFC 4616);
            # LOGIN is ASCII only.
            secret = f"\0{server.username}\0{server.password}".encode()
            client.authenticate("PLAIN", lambda _challenge: secret)
        else:
            client.login(quote(server.username), server.password)
    except (imaplib.IMAP4.error, OSError, UnicodeError) as exc:
        raise ImapError(LOGIN_FAILED % {"error": _text(exc.args)}) from exc


class ImapSession:
    """One logged-in connection; every method raises ImapError on failure."""

    def __init__(self, client: imaplib.IMAP4) -> None:
        self.client = client
        # Servers may announce more after login (MOVE, UIDPLUS) than in the greeting.
        data = self._ok("CAPABILITY", client.capability)
        self.capabilities = set(_text(data).upper().split())

    def _ok(self, command: str, call: Any, *args: Any) -> list[Any]:
        try:
            status, data = call(*args)
        except (imaplib.IMAP4.error, OSError) as exc:
            raise ImapError(
                COMMAND_FAILED % {"command": command, "error": _text(exc.args)}
            ) from exc
        if status != "OK":
            raise ImapError(COMMAND_FAILED % {"command": command, "error": _text(data)})
        return data

    def select(self, folder: str) -> FolderState:
        try:
            status, data = self.client.select(quote(encode_folder_name(folder)))
        except (imaplib.IMAP4.error, OSError) as exc:
            raise ImapError(FOLDER_FAILED % {"folder": folder, "error": exc}) from exc
        if status != "OK":
            raise ImapError(FOLDER_FAILED % {"folder": folder, "error": _text(data)})
        _, uidvalidity = self.client.response("UIDVALIDITY")
        if not uidvalidity or uidvalidity[0] is None:
            # RFC 3501 requires it in the SELECT response; ask explicitly if it was missing.
            status_data = self._ok(
                "STATUS",
                self.client.status,
                quote(encode_folder_name(folder)),
                "(UIDVALIDITY)",
            )
            found = re.search(rb"UIDVALIDITY (\d+)", status_data[0] or b"")
            if found is None:
                raise ImapError(FOLDER_FAILED % {"folder": folder, "error": "no UIDVALIDITY"})
            uidvalidity = [found.group(1)]
        return FolderState(uidvalidity=int(uidvalidity[0]), exists=int(data[0] or 0))

    def uids_after(self, last_uid: int) -> list[int]:
        """UIDs above `last_uid`, ascending.

        `UID SEARCH UID n:*` always matches the highest UID, even when it is below
        n (RFC 3501 §6.4.8: "*" is the largest UID in use), so the result is filtered.
        """
        data = self._ok("UID SEARCH", self.client.uid, "SEARCH", f"UID {last_uid + 1}:*")
        uids = {int(uid) for uid in _text(data).split()}
        return sorted(uid for uid in uids if uid > last_uid)

    def fetch(self, uid: int) -> bytes | None:
        """The message's bytes, without setting \\Seen; None if it is gone meanwhile."""
        data = self._ok("UID FETCH", self.client.uid, "FETCH", str(uid), "(BODY.PEEK[])")
        for item in data:
            # Unsolicited FETCH responses (flag changes of other messages) may come along.
            match = _UID.search(item[0]) if isinstance(item, tuple) else None
            if match and int(match.group(1)) == uid:
                return bytes(item[1])
        return None

    def mark_seen(self, uid: int) -> None:
        self._ok("UID STORE", self.client.uid, "STORE", str(uid), "+FLAGS.SILENT", r"(\Seen)")

    def delete(self, uid: int) -> None:
        self._ok("UID STORE", self.client.uid, "STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)")
        self._expunge(uid)

    def move(self, uid: int, folder: str) -> None:
        target = quote(encode_folder_name(folder))
        command = "MOVE" if "MOVE" in self.capabilities else "COPY"
        try:
            self._ok(f"UID {command}", self.client.uid, command, str(uid), target)
        except ImapError as exc:
            if "TRYCREATE" not in str(exc).upper():
                raise
            # RFC 3501 §6.4.7: [TRYCREATE] means the target folder does not exist yet.
            self._ok("CREATE", self.client.create, target)
            self._ok(f"UID {command}", self.client.uid, command, str(uid), target)
        if command == "COPY":
            self.delete(uid)

    def _expunge(self, uid: int) -> None:
        if "UIDPLUS" in self.capabilities:
            self._ok("UID EXPUNGE", self.client.uid, "EXPUNGE", str(uid))
        else:
            # Without UIDPLUS (RFC 4315) only a plain EXPUNGE exists; it also removes
            # other messages someone flagged \Deleted, as any mail client would.
            self._ok("EXPUNGE", self.client.expunge)
