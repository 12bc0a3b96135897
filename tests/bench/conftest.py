"""The `bench` fixture: time a callable, check its result, print median and 95th percentile."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class Timing:
    name: str
    seconds: list[float]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000

    def __str__(self) -> str:
        return (
            f"BENCH {self.name}: median {self.median_ms:.1f} ms, p95 {self.p95_ms:.1f} ms "
            f"(n={len(self.seconds)})"
        )


Bench = Callable[..., Timing]
Check = Callable[[object], object]


def verify(name: str, result: object, *, status: int | None, check: Check | None) -> None:
    """Refuse a timing of something that failed.

    That is an HTTP answer other than `status`, or a result `check` rejects (it raises
    or returns False). A result that is not an HTTP response needs a `check`, so no
    benchmark times an error unnoticed.
    """
    status_code = getattr(result, "status_code", None)
    if status_code is None and check is None:
        raise TypeError(f"{name}: pass check= to verify a result of type {type(result)!r}")
    if status_code is not None and status is not None and status_code != status:
        raise AssertionError(f"{name}: HTTP {status_code}, expected {status}")
    if check is not None and check(result) is False:
        raise AssertionError(f"{name}: the result failed its check: {result!r}")


@pytest.fixture
def bench() -> Bench:
    def run(
        name: str,
        func: Callable[[], object],
        *,
        rounds: int = 50,
        warmup: int = 3,
        status: int | None = 200,
        check: Check | None = None,
    ) -> Timing:
        for _ in range(warmup):
            verify(name, func(), status=status, check=check)
        seconds = []
        for _ in range(rounds):
            start = time.perf_counter()
            result = func()
            seconds.append(time.perf_counter() - start)
            verify(name, result, status=status, check=check)
        timing = Timing(name, seconds)
        print(timing)
        return timing

    return run
