"""Start times and memory of the project's own Neo4j server.

    python -m benchmarks.bench_neo4j_start

Cold: a fresh store (initial password set, system and neo4j databases created). Warm: the same
store started again. RSS is read from /proc after Bolt answers. Baseline: a bare JVM (`java
-version`) timed in the same run, to show what of the start is the JVM itself.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from common.settings import Settings
from ontology.server import process
from ontology.server.assemble import assemble
from ontology.server.settings import ServerSettings
from tests.conftest import PROJECT, free_port


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main() -> None:
    java = process.find_java()
    _, jvm = _timed(lambda: subprocess.run([java, "-version"], capture_output=True, check=True))
    with tempfile.TemporaryDirectory() as tmp:
        base = ServerSettings.from_settings(Settings(home=PROJECT / ".cpms"))
        settings = replace(base, home=Path(tmp) / "neo4j", bolt_port=free_port(), password="bench-password")
        assemble(settings.cache_dir, settings.version)
        cold_status, cold = _timed(lambda: process.start(settings))
        cold_rss = _rss_mb(cold_status.pid)
        _, stop = _timed(lambda: process.stop(settings))
        warm_status, warm = _timed(lambda: process.start(settings))
        warm_rss = _rss_mb(warm_status.pid)
        process.stop(settings)
    print(f"Neo4j {settings.version}, heap {settings.heap}, page cache {settings.pagecache}")
    print(f"{'what':<28}{'seconds':>10}{'RSS MB':>10}")
    print(f"{'baseline: java -version':<28}{jvm:>10.2f}{'':>10}")
    print(f"{'cold start (fresh store)':<28}{cold:>10.2f}{cold_rss:>10.0f}")
    print(f"{'warm start':<28}{warm:>10.2f}{warm_rss:>10.0f}")
    print(f"{'stop (SIGTERM, clean)':<28}{stop:>10.2f}{'':>10}")


if __name__ == "__main__":
    main()
