"""Benchmark: drain 10,000 queued mails to a local SMTP sink; mails per second and peak memory.

Standalone (temporary SQLite database in a temporary data directory, migrated first):

    .venv/bin/python tests/bench/bench_outbox.py [--mails 10000] [--batch-size 100]
    .venv/bin/python tests/bench/bench_outbox.py --database-url postgres://.../scratch_db

Or with the other benchmarks: `make bench BENCH_ARGS="-k outbox"`.

The SMTP sink (aiosmtpd) runs in its own process so it does not share the
sender's interpreter; peak memory is the sender process's peak RSS while it
drains (Linux: VmHWM after resetting it; elsewhere ru_maxrss for the whole run).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.smtp_sink import free_port, serve_counting  # noqa: E402

TEXT = (
    "Guten Tag Frau Beispiel,\n\n"
    "der Status Ihres Tickets [#T-{n}] hat sich geändert:\n\n"
    "  Status: Offen → In Bearbeitung\n  Priorität: Normal → Hoch\n\n"
    + "Wir melden uns, sobald wir mehr wissen. " * 12
    + "\n\nMit freundlichen Grüßen\nIhr Support-Team\n"
)
HTML = "<html><body><p>" + TEXT.replace("\n", "<br>\n") + "</p></body></html>"


@dataclass(frozen=True)
class Result:
    mails: int
    queue_seconds: float
    drain_seconds: float
    received: int
    peak_rss_mib: float
    peak_label: str

    def __str__(self) -> str:
        return (
            f"BENCH outbox: queued {self.mails} in {self.queue_seconds:.2f} s "
            f"({self.mails / self.queue_seconds:.0f} mails/s); drained in "
            f"{self.drain_seconds:.2f} s = {self.mails / self.drain_seconds:.0f} mails/s; "
            f"{self.received} received by the sink; {self.peak_label} {self.peak_rss_mib:.1f} MiB"
        )


@contextmanager
def counting_sink(port: int) -> Iterator[Any]:
    context = multiprocessing.get_context("spawn")
    ready, stop, count = context.Event(), context.Event(), context.Value("i", 0)
    process = context.Process(target=serve_counting, args=(port, ready, stop, count))
    process.start()
    try:
        if not ready.wait(30):
            raise RuntimeError("SMTP sink did not start")
        yield count
    finally:
        stop.set()
        process.join(10)


def _reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # Linux: reset VmHWM
    except OSError:
        return False
    return True


def _peak_rss_mib(reset_worked: bool) -> tuple[float, str]:
    if reset_worked:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024, "peak RSS while draining"
    # ru_maxrss: kilobytes on Linux, bytes on macOS.
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale, "peak RSS of the run"


def run_benchmark(*, mails: int, batch_size: int, sink_count: Any) -> Result:
    """Queue `mails`, drain them; Django must be set up, migrated and pointed at the sink."""
    from django.db import transaction

    from ticketdesk.outbox.sender import drain_outbox
    from ticketdesk.outbox.services import queue_mail

    start = time.perf_counter()
    for chunk in range(0, mails, 500):
        with transaction.atomic():
            for n in range(chunk, min(chunk + 500, mails)):
                queue_mail(
                    to=[f"kunde{n}@customer.example"],
                    cc=["chef@customer.example"] if n % 3 == 0 else [],
                    subject=f"[#T-{n}] Statusänderung",
                    text=TEXT.format(n=n),
                    html=HTML.format(n=n),
                    auto_generated=True,
                    reference=f"T-{n}",
                    language="de",
                )
    queue_seconds = time.perf_counter() - start

    reset_worked = _reset_peak_rss()
    start = time.perf_counter()
    report = drain_outbox(batch_size=batch_size)
    drain_seconds = time.perf_counter() - start
    peak, label = _peak_rss_mib(reset_worked)

    deadline = time.monotonic() + 10
    while sink_count.value < report.sent and time.monotonic() < deadline:
        time.sleep(0.05)
    if report.sent != mails:
        raise RuntimeError(f"only {report.sent} of {mails} sent: {report}")
    return Result(mails, queue_seconds, drain_seconds, sink_count.value, peak, label)


# --- `make bench` (pytest) -------------------------------------------------------------


def bench_drain_10000_mails_to_smtp(settings: Any, transactional_db: Any) -> None:
    from ticketdesk.outbox.models import MailStatus, OutboundMail

    port = free_port()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 30},
        }
    }
    with counting_sink(port) as count:
        result = run_benchmark(mails=10_000, batch_size=100, sink_count=count)
    print(result)
    assert result.received == result.mails
    assert set(OutboundMail.objects.values_list("status", flat=True)) == {MailStatus.SENT}


# --- standalone --------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument(
        "--database-url", default="", help="an empty scratch database (default: temporary SQLite)"
    )
    args = parser.parse_args()

    port = free_port()
    os.environ.pop("DATABASE_URL", None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.update(
        TICKETDESK_DATA_DIR=tempfile.mkdtemp(prefix="ticketdesk-bench-"),
        EMAIL_URL=f"smtp://127.0.0.1:{port}",
        DJANGO_SETTINGS_MODULE="ticketdesk.settings",
        LOG_LEVEL="WARNING",
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    with counting_sink(port) as count:
        result = run_benchmark(mails=args.mails, batch_size=args.batch_size, sink_count=count)
    print(result)


if __name__ == "__main__":
    main()
