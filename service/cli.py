"""The `cpms` command: one entry point for the database, the service and (later) matching."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Callable, Sequence

from ontology.connection import Connection
from ontology.errors import CpmsError
from ontology.server import process
from ontology.server.assemble import assemble
from ontology.server.settings import ServerSettings
from service.settings import ServiceSettings


def _db(args: argparse.Namespace) -> int:
    settings = ServerSettings.from_env()
    if args.action == "install":
        lib = assemble(settings.cache_dir, settings.version)
        print(f"Neo4j {settings.version} jars are in {lib}")
        return 0
    action: Callable[[ServerSettings], process.ServerStatus] = {
        "start": process.start, "stop": process.stop, "status": process.status,
    }[args.action]
    result = action(settings)
    print(result.message)
    return 0 if args.action != "status" or result.running else 3


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from service.app import create_app

    service = ServiceSettings.from_env()
    # uvicorn re-raises SIGTERM after its graceful shutdown; turning it into SystemExit lets
    # callers (`cpms up`) run their cleanup, such as stopping the Neo4j they started.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    uvicorn.run(create_app(), host=args.host or service.host, port=args.port or service.port,
                log_level="info")
    return 0


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _up(args: argparse.Namespace) -> int:
    """Start the local Neo4j (unless NEO4J_URI points elsewhere), then serve; stop Neo4j on exit
    if this command started it."""
    connection = Connection.from_env()
    started_here = False
    settings = ServerSettings.from_env()
    if not connection.external:
        started_here = not process.status(settings).running
        print(process.start(settings).message, flush=True)
    try:
        return _serve(args)
    finally:
        if started_here:
            print(process.stop(settings).message, flush=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cpms", description="CPMS product master data standards service")
    commands = parser.add_subparsers(dest="command", required=True)

    db = commands.add_parser("db", help="manage the project's own local Neo4j server")
    db.add_argument("action", choices=["install", "start", "stop", "status"],
                    help="install: download the Neo4j jars once; start/stop/status: the local server")
    db.set_defaults(func=_db)

    for name, func, text in (
        ("serve", _serve, "serve the GraphQL API (Neo4j must be running or NEO4J_URI set)"),
        ("up", _up, "start Neo4j if needed and serve the GraphQL API"),
    ):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("--host", default=None, help="listen address (default CPMS_HOST or 127.0.0.1)")
        sub.add_argument("--port", type=int, default=None, help="listen port (default CPMS_PORT or 8000)")
        sub.set_defaults(func=func)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CpmsError as exc:
        print(f"cpms: error: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
