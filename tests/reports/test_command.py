"""`ticketdesk report SECTION --from --to [filters] --format csv|json`."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import tempfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .conftest import Month

pytestmark = pytest.mark.django_db

MARCH = ["--from", "2025-03-01", "--to", "2025-03-31"]


def run(*args: str) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("report", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def refused(*args: str) -> tuple[CommandError, str]:
    stdout = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("report", *args, stdout=stdout, stderr=io.StringIO())
    return error.value, stdout.getvalue()


def test_json_to_stdout(month: Month) -> None:
    out, err = run("time", *MARCH, "--format", "json", "--language", "en")
    data = json.loads(out)
    assert err == ""
    assert data["section"] == "time"
    total = next(row for row in data["rows"] if row["dimension"] == "total")
    assert total["values"]["total"] == 165


def test_csv_to_stdout_without_byte_order_mark(month: Month) -> None:
    out, _err = run("distribution", *MARCH, "--format", "csv", "--language", "en")
    assert not out.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(out)))
    assert lines[0][:3] == ["Dimension", "Key", "Name"]
    assert lines[-1][:5] == ["Total", "", "All tickets", "4", "3"]


def test_csv_is_the_default_format_in_the_instance_language(month: Month, settings) -> None:
    settings.LANGUAGE_CODE = "de"
    out, _err = run("sla", *MARCH)
    assert "Dringend" in out
    assert "66,7" in out


def test_filters_by_name_number_email_and_id(month: Month) -> None:
    out, _err = run(
        "performance", *MARCH, "--team", "beta", "--customer", "K100", "--format", "json"
    )
    data = json.loads(out)
    assert data["filters"]["team"] == [month.beta.pk]
    assert data["filters"]["customer"] == [month.acme.pk]
    out, _err = run("time", *MARCH, "--agent", "anna@example.com", "--format", "json")
    assert json.loads(out)["filters"]["agent"] == [month.anna.pk]
    out, _err = run(
        "time", *MARCH, "--team", str(month.alpha.pk), "--team", "Beta", "--format", "json"
    )
    assert json.loads(out)["filters"]["team"] == [month.alpha.pk, month.beta.pk]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["performance", "--from", "2025-13-01", "--to", "2025-03-31"],
            "--from: Enter a valid date",
        ),
        (["performance", "--from", "2025-03-31", "--to", "2025-03-01"], "must not be after"),
        (["performance", "--from", "2015-01-01", "--to", "2025-03-01"], "at most 5 years"),
        (["tickets", *MARCH], "Unknown section 'tickets'"),
        (["time", *MARCH, "--team", "Gamma"], "--team: Unknown team: “Gamma”"),
        (["time", *MARCH, "--customer", "K999"], "--customer: No customer has the number"),
    ],
)
def test_bad_input_is_refused_with_exit_code_2_and_nothing_written(
    month: Month, args: list[str], message: str
) -> None:
    error, out = refused(*args, "--language", "en")
    assert error.returncode == 2
    assert message in str(error)
    assert out == ""


def test_the_real_command_exits_2_and_writes_only_to_stderr(tmp_path) -> None:
    """Through `ticketdesk` itself (argument parsing, the exit status a script sees)."""
    env = {**os.environ, "TICKETDESK_DATA_DIR": tempfile.mkdtemp(dir=tmp_path)}
    env.pop("DATABASE_URL", None)
    for args, message in [
        (["report", "tickets", *MARCH, "--language", "en"], "Unknown section"),
        (["report", "time", *MARCH, "--format", "xml"], "invalid choice: 'xml'"),
        (["report", "time", "--to", "2025-03-01"], "--from"),
    ]:
        result = subprocess.run(
            [sys.executable, "-m", "ticketdesk.cli", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert result.returncode == 2, result.stderr
        assert result.stdout == ""
        assert message in result.stderr
