"""Where and how the project's own Neo4j server runs (from the settings' `local_neo4j` section)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from common.settings import Settings, load_settings


@dataclass(frozen=True)
class ServerSettings:
    """A local Neo4j instance: jars from `cache_dir`, everything else (conf, data, logs) in `home`."""

    home: Path
    cache_dir: Path
    version: str
    bolt_port: int
    heap: str
    pagecache: str
    auth: bool
    password: str | None  # None: generated once and kept in `password_file`
    transaction_memory: str = "256m"  # the memory all open transactions may hold together

    @property
    def conf_dir(self) -> Path:
        return self.home / "conf"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @property
    def run_dir(self) -> Path:
        return self.home / "run"

    @property
    def pid_file(self) -> Path:
        return self.run_dir / "cpms-neo4j.pid"

    @property
    def console_log(self) -> Path:
        return self.logs_dir / "console.log"

    @property
    def password_file(self) -> Path:
        return self.home / "password"

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> ServerSettings:
        """The local server of `settings` (default: from the environment), its folders made absolute."""
        settings = settings or load_settings()
        local, state = settings.local_neo4j, settings.home.absolute()
        return cls(
            home=(local.home or state / "neo4j").absolute(),
            cache_dir=(local.cache or state / "dist").absolute(),
            version=local.version,
            bolt_port=local.bolt_port,
            heap=local.heap,
            pagecache=local.pagecache,
            auth=local.auth,
            transaction_memory=local.transaction_memory,
            password=settings.neo4j.password,
        )


def resolve_password(settings: ServerSettings) -> str | None:
    """The password of the local server: given in the environment, or generated once and kept in a
    file only the user can read."""
    if not settings.auth:
        return None
    if settings.password:
        return settings.password
    path = settings.password_file
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(24)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(password + "\n")
    return password
