"""Logging filters: what an operator needs in the log, without the noise."""

from __future__ import annotations

import logging


class NoTracebackForClientErrors(logging.Filter):
    """Drop the traceback from log records of 4xx responses (403 above all).

    Django logs "Forbidden (Permission denied)" with the PermissionDenied traceback for
    every refused request; the status line and path are what matters, a traceback suggests
    a bug where there is none. Records of 5xx responses keep their traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
