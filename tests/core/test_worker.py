"""`ticketdesk worker` runs django.tasks tasks on the database backend, or on Redis (RQ)."""

from __future__ import annotations

import json
import os

import pytest
import redis

from .conftest import EnvFactory, python

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/12")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

ENQUEUE_AND_WORK = """
import json, os, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ticketdesk.settings")
import django
django.setup()
from django.core.management import call_command
from django.tasks import default_task_backend
from tests.core import sample_tasks

call_command("migrate", verbosity=0)
ok = sample_tasks.add.enqueue(2, 3)
bad = sample_tasks.fail.enqueue()
call_command("worker", burst=True, verbosity=0)
deadline = time.monotonic() + 20
# A concurrent test run's burst worker on the same queue may have taken a job: wait for it.
while {ok.status, bad.status} - {"SUCCESSFUL", "FAILED"} and time.monotonic() < deadline:
    time.sleep(0.2)
    ok.refresh()
    bad.refresh()
fetched = default_task_backend.get_result(ok.id)
print(json.dumps({
    "backend": type(sample_tasks.add.get_backend()).__module__,
    "ok": [ok.status, ok.return_value, fetched.status],
    "bad": [bad.status, bad.errors[0].exception_class_path if bad.errors else None],
}))
"""


def redis_url_or_skip() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as error:
        if IN_CI:
            pytest.fail(f"CI=true but Redis at {REDIS_URL} is unreachable: {error}")
        pytest.skip(f"Redis at {REDIS_URL} is unreachable: {error}")
    return REDIS_URL


def run_tasks(env: dict[str, str]) -> dict:
    result = python(ENQUEUE_AND_WORK, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_worker_runs_tasks_from_the_database_by_default(child_env: EnvFactory) -> None:
    outcome = run_tasks(child_env())

    assert outcome == {
        "backend": "django_tasks_db.backend",
        "ok": ["SUCCESSFUL", 5, "SUCCESSFUL"],
        "bad": ["FAILED", "builtins.ValueError"],
    }


def test_worker_runs_tasks_on_redis_when_redis_url_is_set(child_env: EnvFactory) -> None:
    outcome = run_tasks(child_env(REDIS_URL=redis_url_or_skip()))

    assert outcome == {
        "backend": "django_tasks_rq.backend",
        "ok": ["SUCCESSFUL", 5, "SUCCESSFUL"],
        "bad": ["FAILED", "builtins.ValueError"],
    }
