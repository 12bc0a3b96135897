"""Housekeeping: old task results and sent mail are pruned, daily by the worker and by command."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from tests.outbox.factories import OutboundMailFactory
from ticketdesk.api.webhooks.tasks import prune_delivery_log_daily
from ticketdesk.core.housekeeping import prune_task_results, prune_task_results_daily
from ticketdesk.outbox.models import MailStatus, OutboundMail
from ticketdesk.outbox.tasks import prune_sent_mail_daily

from . import sample_tasks
from .conftest import EnvFactory, python

DAILY_TASKS = [prune_task_results_daily, prune_sent_mail_daily, prune_delivery_log_daily]


def task_result(status: str, *, days_ago: float) -> DBTaskResult:
    """A task result that finished (or, waiting and running, was enqueued) `days_ago` days ago."""
    result = sample_tasks.add.enqueue(1, 2)
    moment = timezone.now() - timedelta(days=days_ago)
    finished = moment if status in {"SUCCESSFUL", "FAILED"} else None
    DBTaskResult.objects.filter(pk=result.id).update(
        status=status, finished_at=finished, started_at=moment if status != "READY" else None
    )
    return DBTaskResult.objects.get(pk=result.id)


def sent_mail(status: str, *, days_ago: float) -> OutboundMail:
    moment = timezone.now() - timedelta(days=days_ago)
    sent_at = moment if status == MailStatus.SENT else None
    return OutboundMailFactory(status=status, sent_at=sent_at, created_at=moment)


def waiting_runs(task: object) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(status="READY", task_path=task.module_path))


def start_workers(count: int) -> None:
    """What `ticketdesk worker` does at start, as `count` workers would."""
    for _ in range(count):
        for config in apps.get_app_configs():
            if hook := getattr(config, "on_worker_start", None):
                hook()


@pytest.mark.django_db
def test_finished_task_results_past_the_limit_are_pruned_in_batches(settings: Settings) -> None:
    settings.TASK_RESULT_KEEP_DAYS = 14
    old = [task_result("SUCCESSFUL", days_ago=15) for _ in range(4)]
    old.append(task_result("FAILED", days_ago=30))
    kept = [
        task_result("SUCCESSFUL", days_ago=13),
        task_result("READY", days_ago=40),
        task_result("RUNNING", days_ago=40),
    ]

    assert prune_task_results(batch_size=2) == len(old)

    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {r.pk for r in kept}


@pytest.mark.django_db
def test_only_sent_mail_past_the_limit_is_pruned(settings: Settings) -> None:
    settings.OUTBOX_SENT_KEEP_DAYS = 90
    old_sent = sent_mail(MailStatus.SENT, days_ago=91)
    kept = [
        sent_mail(MailStatus.SENT, days_ago=89),
        sent_mail(MailStatus.QUEUED, days_ago=200),
        sent_mail(MailStatus.SENDING, days_ago=200),
        sent_mail(MailStatus.FAILED, days_ago=200),
    ]

    output = StringIO()
    call_command("housekeeping", stdout=output)

    assert not OutboundMail.objects.filter(pk=old_sent.pk).exists()
    assert set(OutboundMail.objects.values_list("pk", flat=True)) == {m.pk for m in kept}
    assert "sent e-mails: 1 removed." in output.getvalue()


@pytest.mark.django_db
def test_command_prunes_both_and_says_how_many(settings: Settings) -> None:
    settings.TASK_RESULT_KEEP_DAYS = 1
    settings.OUTBOX_SENT_KEEP_DAYS = 1
    task_result("SUCCESSFUL", days_ago=2)
    task_result("FAILED", days_ago=2)
    sent_mail(MailStatus.SENT, days_ago=2)

    output = StringIO()
    call_command("housekeeping", stdout=output)

    assert output.getvalue().splitlines() == [
        "finished task results: 2 removed.",
        "sent e-mails: 1 removed.",
        "repeated deliveries of incoming mail: 0 removed.",
        "webhook deliveries: 0 removed.",
    ]
    assert not DBTaskResult.objects.exists()
    assert not OutboundMail.objects.exists()


@pytest.mark.django_db
def test_several_workers_starting_queue_each_daily_run_once() -> None:
    start_workers(3)

    for task in DAILY_TASKS:
        assert len(waiting_runs(task)) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("task", DAILY_TASKS, ids=lambda t: t.name)
def test_a_daily_run_queues_the_next_one_a_day_later_once(task: object) -> None:
    start_workers(1)
    [first] = waiting_runs(task)
    DBTaskResult.objects.filter(pk=first.pk).update(status="RUNNING", started_at=timezone.now())

    task.call()
    task.call()  # a second copy (two workers) does not add a second tomorrow
    start_workers(1)  # a worker starting while the cycle is under way adds nothing

    [following] = waiting_runs(task)
    assert following.run_after > timezone.now() + timedelta(hours=23)


@pytest.mark.django_db
def test_a_run_stuck_for_days_does_not_stop_the_cycle() -> None:
    start_workers(1)
    DBTaskResult.objects.filter(status="READY").update(
        status="RUNNING", started_at=timezone.now() - timedelta(days=2)
    )

    start_workers(1)

    for task in DAILY_TASKS:
        assert len(waiting_runs(task)) == 1


WORK_TWICE = """
import json, os
from datetime import timedelta
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ticketdesk.settings")
import django
django.setup()
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from ticketdesk.outbox.models import MailStatus, OutboundMail
from tests.core import sample_tasks

call_command("migrate", verbosity=0)
old = timezone.now() - timedelta(days=400)
finished = sample_tasks.add.enqueue(1, 2)
DBTaskResult.objects.filter(pk=finished.id).update(
    status="SUCCESSFUL", started_at=old, finished_at=old
)
for status in (MailStatus.SENT, MailStatus.FAILED):
    OutboundMail.objects.create(
        message_id=f"<{status}@example.com>", from_email="support@example.com",
        to=["a@customer.example"], subject="s", text_body="t", status=status,
        sent_at=old if status == MailStatus.SENT else None,
    )
call_command("worker", burst=True, verbosity=0)
call_command("worker", burst=True, verbosity=0)
print(json.dumps({
    "outbox": sorted(OutboundMail.objects.values_list("status", flat=True)),
    "old results": DBTaskResult.objects.filter(pk=finished.id).count(),
    "waiting": sorted(
        (r.task_path.rsplit(".", 1)[-1], r.run_after > timezone.now() + timedelta(hours=23))
        for r in DBTaskResult.objects.filter(status="READY")
    ),
    "done": sorted(
        r.task_path.rsplit(".", 1)[-1] for r in DBTaskResult.objects.filter(status="SUCCESSFUL")
    ),
}))
"""


def test_the_worker_prunes_at_start_and_schedules_the_next_day(child_env: EnvFactory) -> None:
    result = python(WORK_TWICE, env=child_env())

    assert result.returncode == 0, result.stdout + result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    # Other periodic work (SLA warnings every few minutes, idle timers) runs beside it.
    daily = {"prune_sent_mail_daily", "prune_task_results_daily"}
    outcome["waiting"] = [entry for entry in outcome["waiting"] if entry[0] in daily]
    outcome["done"] = [name for name in outcome["done"] if name in daily]
    assert outcome == {
        "outbox": [MailStatus.FAILED],
        "old results": 0,
        "waiting": [["prune_sent_mail_daily", True], ["prune_task_results_daily", True]],
        "done": ["prune_sent_mail_daily", "prune_task_results_daily"],
    }
