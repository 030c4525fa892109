"""The real `cpms` command fails with a clear message and an exit code, never a traceback:
2 for a command line it cannot run, 1 for a command that failed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ontology.connection import Connection
from ontology.store import Store

CPMS = str(Path(sys.executable).parent / "cpms")


def cpms(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CPMS, *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["release", "diff", "CPMS"], "release diff needs two release numbers"),
        (["release", "diff", "CPMS", "1"], "release diff needs two release numbers"),
        (["release", "diff", "CPMS", "one", "two"], "invalid int value: 'one'"),
        (["keys", "revoke"], "keys revoke needs the key's id"),
        (["keys", "create", "--role", "editor"], "keys create needs --name"),
        (["release", "publish"], "the following arguments are required: scheme"),
    ],
)
def test_a_command_line_it_cannot_run_exits_2_with_its_usage(args: list[str], message: str) -> None:
    done = cpms(*args)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr and "usage: cpms" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_bad_setting_exits_1_naming_the_variable() -> None:
    done = cpms("serve", CPMS_PORT="eighty")
    assert done.returncode == 1, done.stderr
    assert "cpms: error: [INVALID_SETTING]" in done.stderr and "CPMS_PORT='eighty'" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_failed_command_exits_1_with_its_code(connection: Connection, store: Store, tmp_path: Path) -> None:
    env = {"NEO4J_URI": connection.uri, "NEO4J_USER": connection.user, "NEO4J_PASSWORD": connection.password or ""}
    done = cpms("release", "diff", "NOPE", "1", "2", **env)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("cpms: error: [NOT_FOUND]") and "Traceback" not in done.stderr
