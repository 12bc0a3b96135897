"""/healthz: database, disk space of the data directory and the task worker's heartbeat."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings

from .conftest import clean_env, ticketdesk

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    settings.WORKER_HEARTBEAT_STALE_SECONDS = 120
    return tmp_path


@pytest.fixture(scope="module")
def worker_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory a real task worker has run on (and left its heartbeat in)."""
    data_dir = tmp_path_factory.mktemp("worker-ran")
    env = clean_env(data_dir)
    for command in (["migrate", "--no-input"], ["worker", "--burst"]):
        result = ticketdesk(*command, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
    return data_dir


@pytest.fixture
def worker_ran(worker_data_dir: Path, settings: Settings) -> None:
    settings.DATA_DIR = worker_data_dir
    settings.WORKER_HEARTBEAT_STALE_SECONDS = 120


def health(client: Client) -> tuple[int, list[str]]:
    response = client.get("/healthz")
    assert response["Content-Type"].startswith("text/plain")
    return response.status_code, response.content.decode().splitlines()


def test_healthz_is_ok_with_database_disk_and_a_live_worker(
    client: Client, worker_ran: None
) -> None:
    assert health(client) == (200, ["database: ok", "disk: ok", "worker: ok"])


def test_healthz_fails_when_no_worker_has_ever_run(client: Client, data_dir: Path) -> None:
    status, lines = health(client)

    assert status == 503
    assert lines[:2] == ["database: ok", "disk: ok"]
    assert lines[2].startswith("worker: no heartbeat")


def test_healthz_fails_when_the_worker_heartbeat_is_stale(client: Client, worker_ran: None) -> None:
    with time_machine.travel(timezone.now() + timedelta(seconds=121)):
        status, lines = health(client)

    assert status == 503
    assert re.fullmatch(r"worker: no heartbeat for \d+ s \(stale after 120 s\)", lines[2])


def test_healthz_reports_disk_full_below_the_minimum_free_space(
    client: Client, worker_ran: None, settings: Settings
) -> None:
    settings.DATA_DIR_MIN_FREE_BYTES = 1 << 62

    status, lines = health(client)

    assert status == 503
    assert lines[0] == "database: ok"
    assert lines[1].startswith("disk: disk full (")
    assert lines[2] == "worker: ok"


def test_healthz_reports_an_unusable_data_directory(
    client: Client, worker_ran: None, settings: Settings, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path / "gone"

    status, lines = health(client)

    assert status == 503
    assert lines[1].startswith(f"disk: data directory {tmp_path / 'gone'} not writable")


def test_healthz_leaves_the_worker_out_when_its_check_is_off(
    client: Client, data_dir: Path, settings: Settings
) -> None:
    settings.WORKER_HEARTBEAT_STALE_SECONDS = 0

    assert health(client) == (200, ["database: ok", "disk: ok", "worker: not checked"])
