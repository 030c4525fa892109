"""Where and how the project's own Neo4j server runs, read from the environment."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

DEFAULT_VERSION = "5.26.31"
DEFAULT_BOLT_PORT = 7687


@dataclass(frozen=True)
class ServerSettings:
    """A local Neo4j instance: jars from `cache_dir`, everything else (conf, data, logs) in `home`."""

    home: Path
    cache_dir: Path
    version: str = DEFAULT_VERSION
    bolt_port: int = DEFAULT_BOLT_PORT
    heap: str = "512m"
    pagecache: str = "256m"
    auth: bool = True
    password: str | None = None  # None: generated once and kept in `password_file`

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
    def from_env(cls, env: dict[str, str] | None = None) -> ServerSettings:
        env = dict(os.environ if env is None else env)
        state = Path(env.get("CPMS_HOME", ".cpms")).absolute()
        return cls(
            home=Path(env.get("CPMS_NEO4J_HOME", state / "neo4j")).absolute(),
            cache_dir=Path(env.get("CPMS_NEO4J_CACHE", state / "dist")).absolute(),
            version=env.get("CPMS_NEO4J_VERSION", DEFAULT_VERSION),
            bolt_port=int(env.get("CPMS_NEO4J_BOLT_PORT", DEFAULT_BOLT_PORT)),
            heap=env.get("CPMS_NEO4J_HEAP", "512m"),
            pagecache=env.get("CPMS_NEO4J_PAGECACHE", "256m"),
            auth=env.get("CPMS_NEO4J_AUTH", "true").lower() not in ("0", "false", "no", "off"),
            password=env.get("NEO4J_PASSWORD") or None,
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
