"""neo4j.conf and the JVM flags for a directly launched server.

Started without Neo4j's launcher script, the server does not turn `server.jvm.additional` and the
heap settings of neo4j.conf into JVM flags, so `jvm_flags` passes them itself (the 5.26 defaults).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ontology.server.settings import ServerSettings

_HERE = Path(__file__).parent

JVM_DEFAULTS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
]


def jvm_flags(settings: ServerSettings) -> list[str]:
    return [f"-Xms{settings.heap}", f"-Xmx{settings.heap}", *JVM_DEFAULTS]


def write_config(settings: ServerSettings) -> Path:
    """Write conf/neo4j.conf and the log configs; return the conf folder."""
    for folder in (settings.home, settings.conf_dir, settings.data_dir, settings.logs_dir, settings.run_dir):
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)  # the store, its logs and its password are the service user's alone
    for name in ("server-logs.xml", "user-logs.xml"):
        shutil.copyfile(_HERE / name, settings.conf_dir / name)
    lines = {
        "server.directories.data": settings.data_dir,
        "server.directories.logs": settings.logs_dir,
        "server.directories.run": settings.run_dir,
        "server.directories.import": settings.home / "import",
        "server.directories.plugins": settings.home / "plugins",
        "server.default_listen_address": "127.0.0.1",
        "server.bolt.enabled": "true",
        "server.bolt.listen_address": f"127.0.0.1:{settings.bolt_port}",
        "server.bolt.advertised_address": f"127.0.0.1:{settings.bolt_port}",
        "server.http.enabled": "false",
        "server.https.enabled": "false",
        "dbms.security.auth_enabled": str(settings.auth).lower(),
        "dbms.usage_report.enabled": "false",
        "server.memory.pagecache.size": settings.pagecache,
        "dbms.memory.transaction.total.max": settings.transaction_memory,
        "server.logs.config": settings.conf_dir / "server-logs.xml",
        "server.logs.user.config": settings.conf_dir / "user-logs.xml",
    }
    text = "# Written by cpms (ontology/server/config.py) on every start; edits are overwritten.\n"
    text += "".join(f"{key}={value}\n" for key, value in lines.items())
    (settings.conf_dir / "neo4j.conf").write_text(text)
    return settings.conf_dir
