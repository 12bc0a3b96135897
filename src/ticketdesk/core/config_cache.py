"""Configuration read once per process and kept until it changes.

Statuses, priorities, mail filters, notification templates and the business calendar
are read by every incoming mail and every page but change rarely. Each process keeps
what it loaded under a key; the key's first dotted part names the app whose models
the value is built from ("tickets.default_status", "sla.calendar"). Saving or deleting
a row of a tracked model (a service, a bulk import, the admin) forgets that app's
values in this process at once and bumps the shared `ConfigVersion`; other processes
compare the version at most once per CHECK_SECONDS and then forget everything, so they
see a change within that time.

Values of an app whose configuration changed in the running transaction are loaded
afresh until it ends: a rollback would otherwise leave rows in the cache that never
existed. Other apps' values stay cached meanwhile (a demo import that creates
categories keeps its business calendar).
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
_shared: dict[str, Any] = {"version": None, "checked_at": float("-inf")}
# Per thread (each has its own connection): apps whose configuration its transaction changed.
_transaction = threading.local()
_lock = threading.Lock()


def _changed_in_transaction() -> set[str]:
    if not hasattr(_transaction, "apps"):
        _transaction.apps = set()
    return _transaction.apps


def cached[T](key: str, load: Callable[[], T]) -> T:
    """The value kept under `key` ("app.name"), loaded with `load()` when missing or outdated.

    Treat the value as read-only: it is shared by every caller in the process.
    """
    app = key.split(".", 1)[0]
    changed = _changed_in_transaction()
    if changed:
        if connection.in_atomic_block:
            if app in changed:
                return load()
        else:
            _forget(*changed)
            changed.clear()
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
        _changed_in_transaction().clear()
        _shared.update(version=None, checked_at=float("-inf"))


def configuration_changed(sender: type[Model] | None = None, **_kwargs: object) -> None:
    """Signal receiver (or a direct call after a bulk change): bump the shared version and
    forget the changed app's values (all values when called without a model)."""
    updated = ConfigVersion.objects.filter(pk=1).update(version=F("version") + 1)
    if not updated:
        ConfigVersion.objects.get_or_create(pk=1, defaults={"version": 1})
    apps = [sender._meta.app_label] if sender is not None else []
    if apps:
        _forget(*apps)
    else:
        with _lock:
            _values.clear()
    if connection.in_atomic_block:
        _changed_in_transaction().update(apps or {key.split(".", 1)[0] for key in _values})
        transaction.on_commit(lambda: _forget(*apps) if apps else clear())


def track(*models: type[Model]) -> None:
    """Count saves and deletes of these models as configuration changes."""
    for model in models:
        uid = f"config-cache-{model._meta.label}"
        post_save.connect(configuration_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(configuration_changed, sender=model, dispatch_uid=uid + "-delete")


def _forget(*apps: str) -> None:
    prefixes = tuple(f"{app}." for app in apps)
    with _lock:
        for key in [key for key in _values if key.startswith(prefixes)]:
            del _values[key]


def _check_version() -> None:
    now = time.monotonic()
    if now - _shared["checked_at"] < CHECK_SECONDS:
        return
    version = ConfigVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 0
    with _lock:
        if _shared["version"] is not None and version != _shared["version"]:
            _values.clear()
        _shared.update(version=version, checked_at=now)
