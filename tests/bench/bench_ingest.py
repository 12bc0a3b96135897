"""Benchmark: ingest 10,000 messages from files (store + parse + full routing).

Builds realistic messages from the shared corpus (unique Message-IDs; one in fifty
delivered again through a second MTA, one in a hundred a different mail reusing an
earlier Message-ID), runs the same path as `ticketdesk ingest_email FILE ...`, and
prints messages per second, the median and 99th percentile per message, the slowest
message, and peak memory. Every message must be stored and none may be left pending,
so a run that fails on every message cannot pass as a fast one.

With the other benchmarks, on the test database (`BENCH_INGEST_COUNT`, default 10,000):

    make bench BENCH_ARGS="-k ingest"

Standalone, on a throw-away SQLite database it migrates first:

    .venv/bin/python tests/bench/bench_ingest.py [--count N] [--trace-memory]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
FALLBACK = (
    b"From: Anna Berg <anna@example.com>\r\nTo: support@example.com\r\nSubject: Printer\r\n"
    b"Message-ID: <seed@example.com>\r\n\r\nThe printer on floor 2 is broken again.\r\n"
)


def _seeds() -> list[bytes]:
    files = [*CORPUS.glob("zammad-mail/*.box"), *CORPUS.glob("django-helpdesk/*.eml")]
    files += CORPUS.glob("reply-quotes/mailgun-talon/standard_replies/*.eml")
    seeds = [p.read_bytes() for p in sorted(files)]
    return seeds or [FALLBACK]


# Distinct senders, so that the throttle (10 new tickets per sender and hour) does not send
# most of the run to the inbox: 10,000 messages from 2,000 senders is 5 each.
SENDERS = 2_000


def _replace_header(raw: bytes, name: bytes, value: bytes) -> bytes:
    header = name + b": " + value
    pattern = rb"(?im)^" + name + rb":[ \t]*.*(?:\r?\n[ \t].*)*$"
    replaced, count = re.subn(pattern, header.replace(b"\\", b"\\\\"), raw, count=1)
    return replaced if count else header + b"\r\n" + raw


def _with_message_id(raw: bytes, number: int) -> bytes:
    raw = _replace_header(raw, b"Message-ID", f"<bench-{number}@bench.example>".encode())
    sender = number % SENDERS
    return _replace_header(raw, b"From", f"Sender {sender} <sender{sender}@bench.example>".encode())


REDELIVERED_EVERY = 50
REUSED_EVERY = 100


def _write_messages(folder: Path, count: int) -> list[Path]:
    seeds = _seeds()
    paths = []
    for number in range(count):
        raw = _with_message_id(seeds[number % len(seeds)], number)
        if number and number % REDELIVERED_EVERY == 0:
            # The previous message again, through another MTA: a repeat.
            raw = b"Received: from mx2.bench.example\r\n" + paths[-1].read_bytes()
        elif number and number % REUSED_EVERY == 1:
            # Another seed under the Message-ID of an earlier message: kept and flagged.
            earlier = f"<bench-{number - 7}@bench.example>".encode()
            raw = _replace_header(raw, b"Message-ID", earlier)
        path = folder / f"{number:06d}.eml"
        path.write_bytes(raw)
        paths.append(path)
    return paths


def ingest_files(paths: list[Path], *, trace_memory: bool = False) -> list[str]:
    """Ingest each file as `ingest_email` does; the report lines. Django must be set up."""
    from django.db.models import Count

    from ticketdesk.inbound.models import InboundMessage, InboundStatus
    from ticketdesk.inbound.services import ingest_raw_message
    from ticketdesk.tickets.models import Ticket

    total_bytes = sum(p.stat().st_size for p in paths)
    if trace_memory:
        tracemalloc.start()
    timings: list[tuple[float, str]] = []
    started = time.perf_counter()
    for path in paths:
        begun = time.perf_counter()
        ingest_raw_message(path.read_bytes(), source="file")
        timings.append((time.perf_counter() - begun, path.name))
    elapsed = time.perf_counter() - started
    peak_python = tracemalloc.get_traced_memory()[1] if trace_memory else 0
    tracemalloc.stop()

    stored = InboundMessage.objects.count()
    parsed = InboundMessage.objects.filter(status=InboundStatus.PARSED).count()
    outcomes = dict(
        InboundMessage.objects.values_list("status").annotate(n=Count("pk")).order_by("status")
    )
    tickets = Ticket.objects.count()
    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    count = len(paths)
    lines = [
        f"messages: {count} files, {total_bytes / 1e6:.1f} MB; stored {stored}, parsed {parsed}",
        f"outcomes: {outcomes}; tickets opened: {tickets}",
        f"BENCH ingest: {elapsed:.1f} s -> {count / elapsed:.0f} messages/second",
        _per_message(timings),
        f"peak memory: {max_rss_mb:.0f} MB max RSS",
    ]
    if trace_memory:
        lines.append(f"peak Python heap during ingest: {peak_python / 1e6:.1f} MB (tracemalloc)")
    # What was timed must have worked: every message stored, none left unprocessed,
    # and most of them in tickets (the seeds are ordinary support mail).
    assert stored == count, f"stored {stored} of {count}"
    assert InboundStatus.PENDING not in outcomes, f"left pending: {outcomes}"
    assert parsed >= count // 2, f"only {parsed} of {count} parsed: {outcomes}"
    assert tickets > 0
    return lines


def _per_message(timings: list[tuple[float, str]]) -> str:
    ordered = sorted(timings)
    median = ordered[len(ordered) // 2][0]
    p99 = ordered[min(len(ordered) - 1, len(ordered) * 99 // 100)][0]
    slowest, name = ordered[-1]
    return (
        f"per message: median {median * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
        f"slowest {slowest * 1000:.0f} ms ({name})"
    )


# --- `make bench` (pytest) -------------------------------------------------------------

INGEST_COUNT = int(os.environ.get("BENCH_INGEST_COUNT", "10000"))


@pytest.mark.django_db
def bench_ingest_messages(tmp_path: Path) -> None:
    paths = _write_messages(tmp_path, INGEST_COUNT)
    for line in ingest_files(paths):
        print(line)


# --- standalone --------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument(
        "--trace-memory", action="store_true", help="also trace the Python heap (slows it down)"
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="ticketdesk-bench-"))
    os.environ["TICKETDESK_DATA_DIR"] = str(workdir / "data")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ticketdesk.settings")
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    (workdir / "mail").mkdir()
    paths = _write_messages(workdir / "mail", args.count)
    for line in ingest_files(paths, trace_memory=args.trace_memory):
        print(line)


if __name__ == "__main__":
    main()
