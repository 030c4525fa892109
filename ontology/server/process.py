"""Start, find and stop the project's own Neo4j server process."""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable

from common.errors import ServerSetupError
from ontology.server.assemble import assemble
from ontology.server.config import jvm_flags, write_config
from ontology.server.settings import ServerSettings, resolve_password

ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
SUPPORTED_JAVA = (17, 21)

# Servers this process started, kept so that they are reaped (waited for) when they stop.
_children: dict[int, subprocess.Popen] = {}


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    pid: int | None
    uri: str
    message: str


def find_java() -> str:
    """The `java` to run Neo4j 5.26 with: $JAVA_HOME/bin/java, else the one on PATH; 17 or 21."""
    java_home = os.environ.get("JAVA_HOME")
    java = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if not java or not Path(java).exists():
        raise ServerSetupError(
            "Java is not installed: Neo4j 5.26 needs Java 17 or 21 "
            "(Debian: apt-get install openjdk-17-jre-headless), or set NEO4J_URI to use an "
            "existing Neo4j server."
        )
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    match = re.search(r'version "(\d+)', out)
    major = int(match.group(1)) if match else 0
    if major not in SUPPORTED_JAVA:
        raise ServerSetupError(
            f"{java} is Java {major or 'of unknown version'}; Neo4j 5.26 needs Java 17 or 21. "
            "Set JAVA_HOME to such a JDK."
        )
    return java


def _classpath(lib: Path) -> str:
    return str(lib / "*")


def _pid_alive_as_our_server(pid: int, settings: ServerSettings) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False
    return ENTRY_POINT in cmdline and str(settings.conf_dir) in cmdline


def _read_pid(settings: ServerSettings) -> int | None:
    try:
        return int(settings.pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def status(settings: ServerSettings) -> ServerStatus:
    pid = _read_pid(settings)
    if pid is not None and _pid_alive_as_our_server(pid, settings):
        return ServerStatus(True, pid, settings.uri, f"Neo4j is running (pid {pid}) at {settings.uri}")
    return ServerStatus(False, None, settings.uri, f"Neo4j is not running (home {settings.home})")


def _check_port_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ServerSetupError(
                    f"Port {port} on 127.0.0.1 is already taken by another process, so Neo4j "
                    f"cannot listen there. Stop that process or choose another port with "
                    f"CPMS_NEO4J_BOLT_PORT."
                ) from exc
            raise


def _log_tail(settings: ServerSettings, lines: int = 25) -> str:
    texts = []
    for path in (settings.console_log, settings.logs_dir / "debug.log"):
        if path.exists():
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            texts.append(f"--- {path} ---\n" + "\n".join(tail))
    return "\n".join(texts) or "(no log written)"


def _set_initial_password(java: str, lib: Path, settings: ServerSettings, password: str) -> None:
    env = {**os.environ, "NEO4J_HOME": str(settings.home), "NEO4J_CONF": str(settings.conf_dir)}
    result = subprocess.run(
        [java, "-cp", _classpath(lib), ADMIN_TOOL, "dbms", "set-initial-password", password],
        capture_output=True,
        text=True,
        env=env,
    )
    if result.returncode != 0:
        raise ServerSetupError(f"Setting the initial Neo4j password failed:\n{result.stderr[-2000:]}")


def _is_new_store(settings: ServerSettings) -> bool:
    return not (settings.data_dir / "databases" / "system").exists()


def start(settings: ServerSettings, log: Callable[[str], None] = print, timeout: float = 120.0) -> ServerStatus:
    """Start the server in the background, or return the one already running from `settings.home`.

    Waits until Bolt answers; if the JVM dies or the deadline passes, raises with the log tail.
    """
    current = status(settings)
    if current.running:
        return current
    java = find_java()
    lib = assemble(settings.cache_dir, settings.version, log=log)
    password = resolve_password(settings)
    _check_port_free(settings.bolt_port)
    write_config(settings)
    if settings.auth and _is_new_store(settings):
        _set_initial_password(java, lib, settings, password or "")
    command = [
        java,
        "-cp",
        _classpath(lib),
        *jvm_flags(settings),
        ENTRY_POINT,
        f"--home-dir={settings.home}",
        f"--config-dir={settings.conf_dir}",
        "--console-mode",
    ]
    with settings.console_log.open("ab") as console:
        proc = subprocess.Popen(
            command,
            stdout=console,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=settings.home,
        )
    _children[proc.pid] = proc
    settings.pid_file.write_text(f"{proc.pid}\n")
    try:
        _wait_until_ready(settings, proc, password, timeout)
    except BaseException:
        _terminate(proc.pid, 30)
        settings.pid_file.unlink(missing_ok=True)
        raise
    return ServerStatus(True, proc.pid, settings.uri, f"Neo4j started (pid {proc.pid}) at {settings.uri}")


def _wait_until_ready(settings: ServerSettings, proc: subprocess.Popen, password: str | None, timeout: float) -> None:
    auth = ("neo4j", password) if password else None
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise ServerSetupError(f"Neo4j exited with code {proc.returncode} while starting.\n{_log_tail(settings)}")
        try:
            with GraphDatabase.driver(settings.uri, auth=auth, connection_timeout=2) as driver:
                driver.verify_connectivity()
            return
        except AuthError as exc:
            raise ServerSetupError(
                f"Neo4j at {settings.uri} rejected the password. The store in {settings.data_dir} "
                f"was created with another password: set NEO4J_PASSWORD to it, or remove the store."
            ) from exc
        except (ServiceUnavailable, OSError):
            pass
        if time.monotonic() > deadline:
            raise ServerSetupError(
                f"Neo4j did not answer on {settings.uri} within {timeout:.0f} s.\n{_log_tail(settings)}"
            )
        time.sleep(0.25)


def _terminate(pid: int, timeout: float) -> bool:
    """SIGTERM (Neo4j shuts down cleanly on it), then SIGKILL after `timeout` seconds."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return True
    child = _children.pop(pid, None)
    if child is not None:
        try:
            child.wait(timeout)
            return True
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    return False


def stop(settings: ServerSettings, timeout: float = 60.0) -> ServerStatus:
    current = status(settings)
    if not current.running or current.pid is None:
        settings.pid_file.unlink(missing_ok=True)
        return current
    clean = _terminate(current.pid, timeout)
    settings.pid_file.unlink(missing_ok=True)
    how = "stopped" if clean else f"did not stop within {timeout:.0f} s and was killed"
    return ServerStatus(False, None, settings.uri, f"Neo4j (pid {current.pid}) {how}")
