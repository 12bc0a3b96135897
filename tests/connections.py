"""Keeping the test's database connection open around requests the test client does not wrap.

Django closes "old" connections at request_started and request_finished. A test's
transaction lives on its connection, and on PostgreSQL closing it ends the test: the test
client disconnects the handler only while it runs a request, so closing a response later
(or calling the WSGI application directly) would close the connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.signals import request_finished, request_started
from django.db import close_old_connections


@contextmanager
def keeping_test_connection() -> Iterator[None]:
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def close_keeping_connection(response: Any) -> None:
    """Close a (file or streamed) answer without closing the test's connection."""
    with keeping_test_connection():
        response.close()
