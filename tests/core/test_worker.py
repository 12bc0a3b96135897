"""`ticketdesk worker` runs tasks (database or Redis), calls start hooks, rides out DB errors."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis
from django.db import connection
from django.tasks import TaskResult

from . import sample_tasks
from .conftest import BIN, EnvFactory, python, ticketdesk

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


def test_worker_calls_the_start_hook_of_every_app_once(
    child_env: EnvFactory, tmp_path: Path
) -> None:
    env = child_env(DJANGO_SETTINGS_MODULE="tests.core.worker_settings")
    migrated = ticketdesk("migrate", "--no-input", env=env)
    assert migrated.returncode == 0, migrated.stderr

    result = ticketdesk("worker", "--burst", "--worker-id=host-a:serve7", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "worker-started").read_text() == "host-a:serve7\n"


def database_url(settings_dict: dict) -> str:
    """The URL of the test database pytest-django created, for a child process."""
    user = settings_dict["USER"]
    password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{settings_dict['HOST'] or '127.0.0.1'}:"
        f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    )


def wait_until_finished(result: TaskResult, *, timeout: float = 45) -> str:
    deadline = time.monotonic() + timeout
    while result.status not in {"SUCCESSFUL", "FAILED"} and time.monotonic() < deadline:
        time.sleep(0.2)
        result.refresh()
    return result.status


@pytest.fixture
def admin() -> Iterator[psycopg.Connection]:
    """A connection to the server's maintenance database, to switch the test database off."""
    params = connection.settings_dict
    with psycopg.connect(
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
        user=params["USER"],
        password=params["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin_connection:
        yield admin_connection


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_worker_rides_out_a_database_that_refuses_connections(
    child_env: EnvFactory, tmp_path: Path, admin: psycopg.Connection
) -> None:
    name = connection.settings_dict["NAME"]
    log = tmp_path / "worker.log"
    env = child_env(DATABASE_URL=database_url(connection.settings_dict))
    with log.open("w") as out:
        worker = subprocess.Popen(
            [str(BIN / "ticketdesk"), "worker"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        before = wait_until_finished(sample_tasks.add.enqueue(1, 2))
        ours = connection.connection.info.backend_pid
        try:
            # The database refuses new connections, and the worker's is cut (ours stays).
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> %s",
                [name, ours],
            )
            deadline = time.monotonic() + 30
            while "worker: database error" not in log.read_text():
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            during = sample_tasks.add.enqueue(2, 3)
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        after = wait_until_finished(during)
        alive = worker.poll() is None
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)

    assert before == "SUCCESSFUL"
    assert after == "SUCCESSFUL", log.read_text()
    assert alive, log.read_text()
    assert during.return_value == 5
