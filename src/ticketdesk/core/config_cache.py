"""Configuration read once per process and kept until it changes.

Statuses, priorities, mail filters and notification templates are read by every
incoming mail and every page but change rarely. Each process keeps what it loaded
under a key; saving or deleting a row of a tracked model (a service, a bulk
import, the admin) bumps the shared `ConfigVersion`, and a process compares the
version at most once per CHECK_SECONDS, so a change made by another process is
seen within that time and at once in the process that made it.

Values loaded inside a transaction that changed configuration are not kept: a
rollback would otherwise leave rows in the cache that never existed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Model
from django.db.models.signals import post_delete, post_save

from .models import ConfigVersion

CHECK_SECONDS = 1.0

_values: dict[str, Any] = {}
_shared = {"version": None, "checked_at": float("-inf"), "changed_in_transaction": False}
_lock = threading.Lock()


def cached[T](key: str, load: Callable[[], T]) -> T:
    """The value kept under `key`, loaded with `load()` when missing or outdated.

    Treat the value as read-only: it is shared by every caller in the process.
    """
    if _shared["changed_in_transaction"]:
        if connection.in_atomic_block:
            return load()
        clear()
    _check_version()
    try:
        return _values[key]
    except KeyError:
        value = load()
        _values[key] = value
        return value


def clear() -> None:
    """Forget every kept value (tests call it between cases)."""
    with _lock:
        _values.clear()
        _shared.update(version=None, checked_at=float("-inf"), changed_in_transaction=False)


def configuration_changed(**_kwargs: object) -> None:
    """Signal receiver: bump the shared version and forget what this process kept."""
    updated = ConfigVersion.objects.filter(pk=1).update(version=F("version") + 1)
    if not updated:
        ConfigVersion.objects.get_or_create(pk=1, defaults={"version": 1})
    clear()
    if connection.in_atomic_block:
        _shared["changed_in_transaction"] = True
        transaction.on_commit(clear)


def track(*models: type[Model]) -> None:
    """Count saves and deletes of these models as configuration changes."""
    for model in models:
        uid = f"config-cache-{model._meta.label}"
        post_save.connect(configuration_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(configuration_changed, sender=model, dispatch_uid=uid + "-delete")


def _check_version() -> None:
    now = time.monotonic()
    if now - _shared["checked_at"] < CHECK_SECONDS:
        return
    version = ConfigVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0
    with _lock:
        if _shared["version"] is not None and version != _shared["version"]:
            _values.clear()
        _shared.update(version=version, checked_at=now)
