"""Benchmark: parse_message on large and deeply nested messages (target: ≤ 25 MB within 2 s).

No database: the pure parser only. Each message is built with the stdlib's `email`
package, parsed a few times, and its result checked (attachments found, text kept), so
a fast failure cannot pass as a fast parse. Prints median and p95 per message:

    make bench BENCH_ARGS="-k parse"
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from email import policy
from email.message import EmailMessage

import pytest

from ticketdesk.inbound.parsing import ParsedMessage, parse_message

from .conftest import Bench

LIMIT_MS = 2000


def _message(subject: str) -> EmailMessage:
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = "Anna Berg <anna@customer.example>"
    msg["To"] = "support@example.com"
    msg["Subject"] = subject
    return msg


def _words(size: int) -> str:
    words = [
        "the",
        "printer",
        "on",
        "floor",
        "two",
        "is",
        "broken",
        "again",
        "please",
        "send",
        "someone",
        "today",
    ]
    rnd = random.Random(size)
    lines = []
    while size > 0:
        line = " ".join(rnd.choice(words) for _ in range(12))
        lines.append(line)
        size -= len(line) + 1
    return "\n".join(lines)


def nested_enclosures(depth: int = 40, size: int = 2_200_000) -> bytes:
    """A forward of a forward of ...: message/rfc822 inside message/rfc822, files at each level."""
    inner = _message("level 0")
    inner.set_content("the innermost message")
    for level in range(1, depth + 1):
        outer = _message(f"Fwd: level {level}")
        outer.set_content(f"forwarded at level {level}")
        outer.add_attachment(
            os.urandom(size // depth),
            maintype="application",
            subtype="pdf",
            filename=f"scan-{level}.pdf",
        )
        outer.add_attachment(inner)
        inner = outer
    return inner.as_bytes()


def nested_multiparts(depth: int = 25, size: int = 2_200_000) -> bytes:
    """multipart/mixed nested `depth` deep, a text and a file at every level."""
    inner = _message("deep")
    inner.set_content("innermost text")
    for level in range(depth):
        outer = _message("deep")
        outer.set_content(f"text at level {level}")
        outer.add_attachment(
            os.urandom(size // depth), maintype="image", subtype="png", filename=f"{level}.png"
        )
        outer.attach(inner)
        inner = outer
    return inner.as_bytes()


def one_large_attachment(size: int = 14_500_000) -> bytes:
    """About 20 MB on the wire: one base64 file of 14.5 MB and a short text."""
    msg = _message("big scan")
    msg.set_content("The scan is attached.")
    msg.add_attachment(os.urandom(size), maintype="application", subtype="pdf", filename="s.pdf")
    return msg.as_bytes()


def many_attachments(count: int = 220, size: int = 80_000) -> bytes:
    """About 24 MB: 220 files of 80 kB each."""
    msg = _message("photos")
    msg.set_content("All the photos.")
    for number in range(count):
        msg.add_attachment(
            os.urandom(size), maintype="image", subtype="jpeg", filename=f"{number}.jpg"
        )
    return msg.as_bytes()


def large_text() -> bytes:
    """A 20 MB plain-text body (a log pasted into the mail)."""
    msg = _message("log")
    msg.set_content(_words(20_000_000), cte="8bit")
    return msg.as_bytes()


def large_html() -> bytes:
    """A 20 MB HTML body (an exported report)."""
    msg = _message("report")
    row = "<tr><td>printer</td><td><b>broken</b></td><td>floor 2</td></tr>\n"
    msg.set_content(f"<html><body><table>{row * 300_000}</table></body></html>", subtype="html")
    return msg.as_bytes()


def quoted_printable_file() -> bytes:
    """A 10 MB octet stream sent quoted-printable (about 24 MB on the wire)."""
    msg = _message("dump")
    msg.set_content("Dump attached.")
    msg.add_attachment(
        os.urandom(10_000_000),
        maintype="application",
        subtype="octet-stream",
        filename="dump.bin",
        cte="quoted-printable",
    )
    return msg.as_bytes()


def _has_files(count: int) -> Callable[[object], bool]:
    def check(parsed: object) -> bool:
        return isinstance(parsed, ParsedMessage) and len(parsed.attachments) == count

    return check


def _has_text(parsed: object) -> bool:
    return isinstance(parsed, ParsedMessage) and len(parsed.text) > 1_000_000


CASES = {
    "3 MB nested enclosures (40 message/rfc822 levels)": (nested_enclosures, _has_files(2)),
    "3 MB nested multiparts (25 levels)": (nested_multiparts, _has_files(25)),
    "20 MB, one 14.5 MB attachment": (one_large_attachment, _has_files(1)),
    "24 MB, 220 attachments": (many_attachments, _has_files(220)),
    "20 MB plain-text body": (large_text, _has_text),
    "20 MB HTML body": (large_html, _has_text),
    "24 MB quoted-printable file": (quoted_printable_file, _has_files(1)),
}


@pytest.mark.parametrize("name", list(CASES))
def bench_parse_message(bench: Bench, name: str) -> None:
    build, check = CASES[name]
    raw = build()
    timing = bench(
        f"parse {name} ({len(raw) / 1e6:.1f} MB)",
        lambda: parse_message(raw),
        rounds=5,
        warmup=1,
        check=check,
    )
    # A generous ceiling: the 2 s target is for a quiet machine, the median is printed.
    assert timing.median_ms < LIMIT_MS * 2, timing
