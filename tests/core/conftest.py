"""Helpers for tests that run `ticketdesk` in a fresh process with its own environment."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
REPO_ROOT = Path(__file__).resolve().parents[2]
# Only these pass from the test run to a child process: anything else a developer's shell or
# another test sets (DATABASE_URL, REDIS_URL, DJANGO_ALLOW_ASYNC_UNSAFE set for Playwright, ...)
# would steer the child away from the configuration under test.
PASSED_THROUGH = ("PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "CI")

EnvFactory = Callable[..., dict[str, str]]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def clean_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    """The environment of a child process: clean, English, data in `data_dir`."""
    env = {k: v for k, v in os.environ.items() if k in PASSED_THROUGH}
    env.update(
        TICKETDESK_DATA_DIR=str(data_dir),
        LANGUAGE_CODE="en",
        PYTHONUNBUFFERED="1",
        # The test tasks live in the tests package, importable from the repository root.
        PYTHONPATH=str(REPO_ROOT),
    )
    env.update(overrides)
    return env


@pytest.fixture
def child_env(tmp_path: Path) -> EnvFactory:
    """Build the environment of a child process: clean, English, data in a temporary directory."""

    def build(data_dir: Path | None = None, **overrides: str) -> dict[str, str]:
        return clean_env(data_dir or tmp_path, **overrides)

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


@contextmanager
def tmpfs(mount_point: Path, *, size: str, options: str = "") -> Iterator[Path]:
    """A small tmpfs at `mount_point` (we run as root; skipped, or failed in CI, otherwise)."""
    mount_point.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}{options}", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        message = f"cannot mount a tmpfs (root needed): {mounted.stderr.strip()}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(disk: Path) -> Path:
    """Write a file until the disk is full to the last byte."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        for chunk in (1 << 20, 4096, 1):
            try:
                while True:
                    os.write(fd, b"\0" * chunk)
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
    finally:
        os.close(fd)
    return filler
