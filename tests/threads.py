"""Run callables in threads at the same moment; an exception in any thread fails the test.

A bare `threading.Thread` prints a worker's exception and lets the test go on, so a
race test could pass with a crashed worker. `run_at_once` starts every call behind
one barrier, waits for all of them and re-raises the first exception it collected.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait

from django.db import connection

# Generous: only a deadlocked or hung worker comes near it.
JOIN_TIMEOUT_SECONDS = 120.0


class WorkerFailed(AssertionError):
    """A worker thread raised; the original exception is the __cause__."""


def run_at_once[T](calls: Sequence[Callable[[], T]]) -> list[T]:
    """Call each callable in its own thread, all released together; their results in order.

    Each thread closes its own database connection when done (Django opens one per
    thread). A worker still running after JOIN_TIMEOUT_SECONDS fails the test as hung.
    """
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], T]) -> T:
        try:
            barrier.wait()
            return call()
        finally:
            connection.close()

    pool = ThreadPoolExecutor(max_workers=len(calls))
    futures = [pool.submit(run, call) for call in calls]
    _done, hung = wait(futures, timeout=JOIN_TIMEOUT_SECONDS)
    # Not waiting for a hung worker: the test fails now instead of hanging with it.
    pool.shutdown(wait=not hung, cancel_futures=True)
    if hung:
        barrier.abort()
        raise WorkerFailed(f"{len(hung)} of {len(calls)} worker threads did not finish")
    for index, future in enumerate(futures):
        if (error := future.exception()) is not None:
            raise WorkerFailed(f"worker thread {index} raised {error!r}") from error
    return [future.result() for future in futures]
