"""Helpers for tests that run `ticketdesk` in a fresh process with its own environment."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
REPO_ROOT = Path(__file__).resolve().parents[2]
# Only these pass from the test run to a child process: anything else a developer's shell or
# another test sets (DATABASE_URL, REDIS_URL, DJANGO_ALLOW_ASYNC_UNSAFE set for Playwright, ...)
# would steer the child away from the configuration under test.
PASSED_THROUGH = ("PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "CI")

EnvFactory = Callable[..., dict[str, str]]


@pytest.fixture
def child_env(tmp_path: Path) -> EnvFactory:
    """Build the environment of a child process: clean, English, data in a temporary directory."""

    def build(data_dir: Path | None = None, **overrides: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k in PASSED_THROUGH}
        env.update(
            TICKETDESK_DATA_DIR=str(data_dir or tmp_path),
            LANGUAGE_CODE="en",
            PYTHONUNBUFFERED="1",
            # The test tasks live in the tests package, importable from the repository root.
            PYTHONPATH=str(REPO_ROOT),
        )
        env.update(overrides)
        return env

    return build


def run(argv: list[str], *, env: dict[str, str], timeout: float) -> subprocess.CompletedProcess:
    return subprocess.run(
        argv, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


def ticketdesk(
    *args: str, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess:
    return run([str(BIN / "ticketdesk"), *args], env=env, timeout=timeout)


def python(code: str, *, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return run([sys.executable, "-c", code], env=env, timeout=timeout)
