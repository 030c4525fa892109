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
    cpu_threads: int = 2  # worker threads for matching, which take it in turn off the event loop
    workers: int = 1  # server processes, each with its own matcher
    access_log: bool = False  # a log line per request costs about a tenth of a cheap request
    matcher_poll_seconds: float = 5.0  # how often the matcher looks for changes made by other processes
    request_seconds: float = 30.0  # a GraphQL request is stopped after this long
    shutdown_seconds: float = 3.0  # on SIGTERM, requests still running after this long are cancelled
    health_seconds: float = 1.5  # how long a health check or a key lookup waits for Neo4j
    key_memory_seconds: float = 900.0  # while Neo4j is down, keys it confirmed this recently still work

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> ServiceSettings:
        env = dict(os.environ if env is None else env)
        return cls(
            host=env.get("CPMS_HOST", "127.0.0.1"),
            port=int(env.get("CPMS_PORT", "8000")),
            anonymous_read=_flag(env.get("CPMS_ANONYMOUS_READ", "true")),
            threads=int(env.get("CPMS_THREADS", "32")),
            cpu_threads=int(env.get("CPMS_CPU_THREADS", "2")),
            workers=int(env.get("CPMS_WORKERS", "1")),
            access_log=_flag(env.get("CPMS_ACCESS_LOG", "false")),
            matcher_poll_seconds=float(env.get("CPMS_MATCHER_POLL_SECONDS", "5")),
            request_seconds=float(env.get("CPMS_REQUEST_SECONDS", "30")),
            shutdown_seconds=float(env.get("CPMS_SHUTDOWN_SECONDS", "3")),
            health_seconds=float(env.get("CPMS_HEALTH_SECONDS", "1.5")),
            key_memory_seconds=float(env.get("CPMS_KEY_MEMORY_SECONDS", "900")),
        )


def _flag(text: str) -> bool:
    return text.lower() not in ("0", "false", "no", "off")
