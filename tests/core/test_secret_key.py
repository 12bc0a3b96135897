"""The secret-key file: owner-only from the moment it exists, created once, then reused."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

from .conftest import REPO_ROOT, EnvFactory, python

# Every audit event of the starting process (file opens, chmod, imports, ...) looks at the
# key file, so a moment in which it exists with a looser mode cannot pass unseen. umask 0
# makes a file created without an explicit mode readable by everyone.
START_AND_WATCH = """
import json, os, stat, sys
path = os.path.join(os.environ["TICKETDESK_DATA_DIR"], "secret_key")
modes = set()
watching = False

def watch(event, args):
    global watching
    if watching:
        return
    watching = True
    try:
        modes.add(stat.S_IMODE(os.stat(path).st_mode))
    except FileNotFoundError:
        pass
    finally:
        watching = False

sys.addaudithook(watch)
os.umask(0)
import ticketdesk.settings as settings
print(json.dumps({"key": settings.SECRET_KEY, "modes": sorted(modes)}))
"""


def start(env: dict[str, str]) -> dict[str, object]:
    result = python(START_AND_WATCH, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_key_file_is_never_readable_by_others_and_is_reused(
    child_env: EnvFactory, tmp_path: Path
) -> None:
    data_dir = tmp_path / "fresh"
    key_file = data_dir / "secret_key"

    first = start(child_env(data_dir))
    second = start(child_env(data_dir))

    assert first["modes"] == [0o600]
    assert second["modes"] == [0o600]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first["key"] == second["key"] == key_file.read_text()
    assert len(str(first["key"])) >= 50


def test_processes_starting_together_agree_on_one_key(
    child_env: EnvFactory, tmp_path: Path
) -> None:
    env = child_env(tmp_path / "fresh")
    starting = [
        subprocess.Popen(
            [sys.executable, "-c", START_AND_WATCH],
            env=env,
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [process.communicate(timeout=120) for process in starting]

    assert [process.returncode for process in starting] == [0] * 4, outputs
    keys = {json.loads(stdout.strip().splitlines()[-1])["key"] for stdout, _ in outputs}
    assert keys == {(tmp_path / "fresh" / "secret_key").read_text()}
