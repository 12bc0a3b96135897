"""Health of the installation: database, disk space of the data directory, worker heartbeat.

`run_checks()` feeds /healthz; `StorageErrorMiddleware` turns a failing database or full disk
into a clear 503 page. Neither needs a working database or disk to answer.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import Error as DatabaseError
from django.db import InterfaceError, OperationalError, connection, connections
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

HEARTBEAT_FILE = "worker.heartbeat"
# OS errors that mean the storage failed, not the request: out of space or quota, broken or
# read-only disk.
STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EROFS})
RETRY_AFTER_SECONDS = 30
# The reasons are fixed English words on purpose: monitoring matches them ("disk full").
OK = "ok"


@dataclass(frozen=True)
class Check:
    name: str
    healthy: bool
    detail: str = OK

    def line(self) -> str:
        return f"{self.name}: {self.detail}"


def heartbeat_path() -> Path:
    return Path(settings.DATA_DIR) / HEARTBEAT_FILE


def heartbeat_stale_seconds() -> int:
    """Age at which the worker's heartbeat counts as missing; 0: the worker is not checked."""
    return int(settings.WORKER_HEARTBEAT_STALE_SECONDS)


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        discard_connections()
        return Check("database", False, f"unavailable ({type(error).__name__}: {error})")
    return Check("database", True)


def check_data_dir() -> Check:
    data_dir = Path(settings.DATA_DIR)
    needed = int(settings.DATA_DIR_MIN_FREE_BYTES)
    try:
        free = shutil.disk_usage(data_dir).free
        # Free space can be reported while writes fail (quota, reserved blocks, inodes).
        probe = data_dir / f".healthz-{os.getpid()}-{threading.get_ident()}"
        try:
            probe.write_bytes(b"ok")
        finally:
            probe.unlink(missing_ok=True)
    except OSError as error:
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            return Check("disk", False, f"disk full (writing to {data_dir} failed: {error})")
        return Check("disk", False, f"data directory {data_dir} not writable ({error})")
    if free < needed:
        return Check("disk", False, f"disk full ({free} bytes free in {data_dir}, {needed} needed)")
    return Check("disk", True)


def check_worker() -> Check:
    stale = heartbeat_stale_seconds()
    if stale <= 0:
        return Check("worker", True, "not checked")
    try:
        age = time.time() - heartbeat_path().stat().st_mtime
    except FileNotFoundError:
        return Check("worker", False, "no heartbeat (is the task worker running?)")
    except OSError as error:
        return Check("worker", False, f"heartbeat unreadable ({error})")
    if age > stale:
        return Check("worker", False, f"no heartbeat for {int(age)} s (stale after {stale} s)")
    return Check("worker", True)


def run_checks() -> list[Check]:
    return [check_database(), check_data_dir(), check_worker()]


def is_storage_error(error: BaseException | None) -> bool:
    """True for a failing database or disk, also when wrapped in another exception."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, OperationalError | InterfaceError):
            return True
        if isinstance(error, OSError) and error.errno in STORAGE_ERRNOS:
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


STORAGE_ERROR_ATTRIBUTE = "_ticketdesk_storage_error"


def _remember_storage_error(
    sender: object, request: HttpRequest | None = None, **kwargs: object
) -> None:
    # Django turns an exception into a 500 response deep inside the middleware chain, before
    # any outer middleware sees it; this signal is sent while the exception is being handled.
    if request is not None and is_storage_error(sys.exception()):
        setattr(request, STORAGE_ERROR_ATTRIBUTE, True)


class StorageErrorMiddleware:
    """Answer a clear 503 page when the database or the disk fails, instead of a bare 500.

    The page is rendered without the request: base.html and the context processors would
    touch the database (the signed-in user), which is what failed. The failed request's
    connections are closed, so the next request opens fresh ones and works as soon as the
    space is back, without a restart.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        got_request_exception.connect(
            _remember_storage_error, dispatch_uid="ticketdesk-storage-error", weak=False
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code >= 500 and getattr(request, STORAGE_ERROR_ATTRIBUTE, False):
            discard_connections()
            return storage_error_response(request)
        return response


def discard_connections() -> None:
    for alias_connection in connections.all(initialized_only=True):
        try:
            alias_connection.close()
        except DatabaseError:
            logger.debug("closing a failed database connection failed", exc_info=True)


def storage_error_response(request: HttpRequest) -> HttpResponse:
    # The user's language would need the database; the browser's does not.
    language = translation.get_language_from_request(request)
    with translation.override(language):
        try:
            html = render_to_string(
                "core/storage_error.html", {"again_url": request.get_full_path()}
            )
        except Exception:  # the page must come out even if templates or static files fail
            logger.exception("the storage error page could not be rendered")
            html = _plain_storage_error_page(request, language)
    response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Language"] = language
    return response


def _plain_storage_error_page(request: HttpRequest, language: str) -> str:
    title = _("Storage unavailable")
    lines = [
        _(
            "The helpdesk cannot save or read data right now: its disk is full or its "
            "database is unavailable."
        ),
        _(
            "Nothing was saved. Please try again in a few minutes; if this persists, tell "
            "your administrator."
        ),
    ]
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(language)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n</head>\n<body>\n<main>\n<h1>{escape(title)}</h1>\n"
        + "".join(f"<p>{escape(line)}</p>\n" for line in lines)
        + f'<p><a href="{escape(request.get_full_path())}">{escape(_("Try again"))}</a></p>\n'
        "</main>\n</body>\n</html>\n"
    )
