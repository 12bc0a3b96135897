"""Tasks the worker tests enqueue in a child process (defined the way the apps define theirs)."""

from __future__ import annotations

from django.tasks import task


@task
def add(a: int, b: int) -> int:
    return a + b


@task
def fail() -> None:
    raise ValueError("failing on purpose")
