"""Settings of the HTTP service, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceSettings:
    host: str = "127.0.0.1"
    port: int = 8000
    anonymous_read: bool = True  # read and match without an API key
    threads: int = 32  # worker threads for blocking Neo4j calls
    workers: int = 1  # server processes, each with its own matcher
    access_log: bool = False  # a log line per request costs about a tenth of a cheap request
    matcher_poll_seconds: float = 5.0  # how often the matcher looks for changes made by other processes
    session_secret: str | None = None  # signs the workbench's cookies; None: kept in $CPMS_HOME/session_secret

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> ServiceSettings:
        env = dict(os.environ if env is None else env)
        return cls(
            host=env.get("CPMS_HOST", "127.0.0.1"),
            port=int(env.get("CPMS_PORT", "8000")),
            anonymous_read=_flag(env.get("CPMS_ANONYMOUS_READ", "true")),
            threads=int(env.get("CPMS_THREADS", "32")),
            workers=int(env.get("CPMS_WORKERS", "1")),
            access_log=_flag(env.get("CPMS_ACCESS_LOG", "false")),
            matcher_poll_seconds=float(env.get("CPMS_MATCHER_POLL_SECONDS", "5")),
            session_secret=env.get("CPMS_SESSION_SECRET") or None,
        )


def _flag(text: str) -> bool:
    return text.lower() not in ("0", "false", "no", "off")
