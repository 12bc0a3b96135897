"""Machine reports that people read: abuse reports (ARF), read receipts (MDN), message/partial."""

from __future__ import annotations

import re
from email.message import Message

from .charset import decode_bytes

# RFC 5965 (ARF) and RFC 8098 (MDN): header-like fields, shown as they are and kept
# as a file under these names.
READABLE_REPORTS = {
    "message/feedback-report": "feedback-report.txt",
    "message/disposition-notification": "disposition-notification.txt",
    "message/global-disposition-notification": "disposition-notification.txt",
}
_FOLD = re.compile(r"\r?\n(?=[ \t])|\r(?=[ \t])")


def report_text(data: bytes) -> str:
    """The report's fields, one per line, folds joined; blank lines between blocks kept."""
    text = decode_bytes(data, "utf-8").replace("\r\n", "\n").replace("\r", "\n")
    return _FOLD.sub("", text).strip("\n")


def partial_summary(part: Message) -> tuple[str, str]:
    """(a line naming the fragment, a name for its file) of message/partial (RFC 2046 5.2.2)."""
    number = str(part.get_param("number") or "?")
    total = str(part.get_param("total") or "?")
    ident = str(part.get_param("id") or "")
    summary = f"Content-Type: message/partial; id={ident}; number={number}; total={total}"
    return summary, f"partial-{number}-of-{total}.eml".replace("?", "x")
