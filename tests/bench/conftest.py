"""The `bench` fixture: time a callable and print its median and 95th percentile."""

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


@pytest.fixture
def bench() -> Bench:
    def run(name: str, func: Callable[[], object], *, rounds: int = 50, warmup: int = 3) -> Timing:
        for _ in range(warmup):
            func()
        seconds = []
        for _ in range(rounds):
            start = time.perf_counter()
            func()
            seconds.append(time.perf_counter() - start)
        timing = Timing(name, seconds)
        print(timing)
        return timing

    return run
