"""Assemble a Neo4j Community server from Maven Central jars, once, into a cache folder.

Neo4j's download site is out of reach here, but its jars are on Maven Central: resolving
`neo4j-server`, `neo4j` and `neo4j-bolt` with their runtime dependencies gives the tarball's
`lib/` (without browser and shell). See docs/neo4j.md for what was verified.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from common.errors import ServerSetupError

POM = Path(__file__).with_name("pom.xml")
ENTRY_JAR_PREFIX = "neo4j-"
COMPLETE_MARKER = ".complete"


def lib_dir(cache_dir: Path, version: str) -> Path:
    return cache_dir / f"neo4j-community-{version}" / "lib"


def is_assembled(cache_dir: Path, version: str) -> bool:
    return (lib_dir(cache_dir, version).parent / COMPLETE_MARKER).exists()


def assemble(cache_dir: Path, version: str, log: Callable[[str], object] = print) -> Path:
    """Return the `lib/` folder of Neo4j `version`, downloading it with Maven the first time.

    The copy goes to a temporary folder that is renamed into place only when Maven succeeded, so
    an interrupted download never leaves a half-filled `lib/` behind.
    """
    target = lib_dir(cache_dir, version)
    if is_assembled(cache_dir, version):
        return target
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ServerSetupError(
            "Maven (mvn) is not installed: it is needed once to download the Neo4j jars from "
            "Maven Central. Install Maven (Debian: apt-get install maven) or point NEO4J_URI at "
            "an existing Neo4j server."
        )
    home = target.parent
    staging = home.with_name(home.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    log(f"Downloading Neo4j {version} from Maven Central into {home} (once) ...")
    result = subprocess.run(
        [
            mvn,
            "-B",
            "-q",
            "-f",
            str(POM),
            f"-Dneo4j.version={version}",
            "dependency:copy-dependencies",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={staging / 'lib'}",
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        shutil.rmtree(staging, ignore_errors=True)
        raise ServerSetupError(
            f"Downloading Neo4j {version} from Maven Central failed (mvn exit {result.returncode}). "
            f"Check network access to repo.maven.apache.org and the version.\n{tail}"
        )
    jars = list((staging / "lib").glob("*.jar"))
    if not any(j.name == f"{ENTRY_JAR_PREFIX}{version}.jar" for j in jars):
        shutil.rmtree(staging, ignore_errors=True)
        raise ServerSetupError(f"Maven resolved {len(jars)} jars but not neo4j-{version}.jar")
    (staging / COMPLETE_MARKER).write_text(f"{len(jars)} jars\n")
    shutil.rmtree(home, ignore_errors=True)
    staging.rename(home)
    return target
