"""Configuration from the environment: deploy checks, EMAIL_URL, SECRET_KEY, the data directory."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from .conftest import EnvFactory, fill, python, ticketdesk, tmpfs

PRINT_SETTINGS = """
import json, sys
import ticketdesk.settings as s
print(json.dumps({name: getattr(s, name, None) for name in sys.argv[1:]}))
"""


def read_settings(env: dict[str, str], *names: str) -> dict[str, object]:
    code = PRINT_SETTINGS.replace("sys.argv[1:]", repr(list(names)))
    result = python(code, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("https", ["0", "1"])
def test_deploy_check_passes_with_production_settings(child_env: EnvFactory, https: str) -> None:
    result = ticketdesk(
        "check", "--deploy", "--fail-level", "WARNING", env=child_env(DEBUG="0", HTTPS=https)
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://mailer:p%40ss@mail.example.com:2525",
            {
                "host": "mail.example.com",
                "port": 2525,
                "username": "mailer",
                "password": "p@ss",
                "use_tls": False,
                "use_ssl": False,
            },
        ),
        (
            "smtp+tls://mail.example.com",
            {"host": "mail.example.com", "port": 587, "use_tls": True, "use_ssl": False},
        ),
        (
            "smtp+ssl://mail.example.com",
            {"host": "mail.example.com", "port": 465, "use_tls": False, "use_ssl": True},
        ),
    ],
)
def test_email_url_configures_smtp(child_env: EnvFactory, url: str, expected: dict) -> None:
    mailer = read_settings(child_env(EMAIL_URL=url), "MAILERS")["MAILERS"]["default"]

    assert mailer["BACKEND"] == SMTP_BACKEND
    assert {key: mailer["OPTIONS"][key] for key in expected} == expected


def test_unset_email_url_writes_mail_to_files_in_data_dir(
    child_env: EnvFactory, tmp_path: Path
) -> None:
    mailer = read_settings(child_env(), "MAILERS")["MAILERS"]["default"]

    assert mailer["BACKEND"] != SMTP_BACKEND
    assert mailer["OPTIONS"]["file_path"] == str(tmp_path / "mail")


def test_unknown_email_url_scheme_is_refused(child_env: EnvFactory) -> None:
    result = python(
        "import ticketdesk.settings", env=child_env(EMAIL_URL="imap://mail.example.com")
    )

    assert result.returncode != 0
    assert "EMAIL_URL: unsupported scheme 'imap'" in result.stderr


def test_secret_key_is_generated_once_and_kept_in_data_dir(
    child_env: EnvFactory, tmp_path: Path
) -> None:
    first = read_settings(child_env(), "SECRET_KEY")["SECRET_KEY"]
    second = read_settings(child_env(), "SECRET_KEY")["SECRET_KEY"]
    elsewhere = read_settings(child_env(tmp_path / "other"), "SECRET_KEY")["SECRET_KEY"]

    key_file = tmp_path / "secret_key"
    assert first == second == key_file.read_text()
    assert len(str(first)) >= 50
    assert elsewhere != first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_secret_key_from_environment_wins_and_is_not_written(
    child_env: EnvFactory, tmp_path: Path
) -> None:
    configured = read_settings(child_env(SECRET_KEY="from-the-environment"), "SECRET_KEY")

    assert configured == {"SECRET_KEY": "from-the-environment"}
    assert not (tmp_path / "secret_key").exists()


def test_unsupported_language_code_is_refused(child_env: EnvFactory) -> None:
    result = python("import ticketdesk.settings", env=child_env(LANGUAGE_CODE="fr"))

    assert result.returncode != 0
    assert "LANGUAGE_CODE must be de or en, not 'fr'" in result.stderr


def test_redis_url_switches_tasks_to_rq(child_env: EnvFactory) -> None:
    url = "redis://127.0.0.1:6379/3"
    configured = read_settings(child_env(REDIS_URL=url), "TASKS", "RQ_QUEUES")

    assert configured == {
        "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend"}},
        "RQ_QUEUES": {"default": {"URL": url}},
    }


def test_data_directory_under_a_file_is_one_clear_message(child_env: EnvFactory) -> None:
    result = ticketdesk("check", env=child_env(Path("/etc/passwd/x")))

    assert result.returncode == 1
    assert result.stderr == (
        "ticketdesk: The data directory /etc/passwd/x cannot be used: Not a directory. Set "
        "TICKETDESK_DATA_DIR to a writable directory with free space (default ./var).\n"
    )


def test_read_only_data_directory_is_one_clear_message(
    child_env: EnvFactory, tmp_path: Path
) -> None:
    with tmpfs(tmp_path / "ro", size="1m", options=",ro") as read_only:
        result = ticketdesk("migrate", env=child_env(read_only))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(
        f"ticketdesk: The data directory {read_only} cannot be used: it is on a read-only "
        "file system. Set TICKETDESK_DATA_DIR"
    )


def test_full_data_directory_is_one_clear_message(child_env: EnvFactory, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "full", size="1m") as full:
        fill(full)
        result = ticketdesk("serve", env=child_env(full))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(
        f"ticketdesk: The data directory {full} cannot be used: the disk is full."
    )
    assert result.stdout == ""
