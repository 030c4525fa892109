"""The `cpms` command: one entry point for the database, the service and matching.

It ends with exit code 2 and the command's usage for a command line it cannot run, and with 1
and the error's code and message for a command that failed (a `CpmsError`); never a traceback
for either.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from common.errors import CpmsError, Unavailable
from common.settings import load_settings
from ontology.connection import Connection
from ontology.server import process
from ontology.server.assemble import assemble
from ontology.server.settings import ServerSettings
from ontology.store import Store
from service.cli.match import add_match_command


class UsageError(Exception):
    """The command line lacks what argparse cannot check by itself (the two numbers of a diff)."""


def _db(args: argparse.Namespace) -> int:
    settings = ServerSettings.from_settings()
    if args.action == "install":
        lib = assemble(settings.cache_dir, settings.version)
        print(f"Neo4j {settings.version} jars are in {lib}")
        return 0
    actions: dict[str, Callable[[ServerSettings], process.ServerStatus]] = {
        "start": process.start,
        "stop": process.stop,
        "status": process.status,
    }
    action = actions[args.action]
    result = action(settings)
    print(result.message)
    return 0 if args.action != "status" or result.running else 3


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from service.app import create_app

    service = load_settings().service
    # uvicorn re-raises SIGTERM after its graceful shutdown; turning it into SystemExit lets
    # callers (`cpms up`) run their cleanup, such as stopping the Neo4j they started.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    host, port, workers = args.host or service.host, args.port or service.port, args.workers or service.workers
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "info",
        "access_log": service.access_log,
        # on SIGTERM, requests still running after this are cancelled (their matching stops at its
        # next check), so the service stops within seconds whatever it is doing
        "timeout_graceful_shutdown": service.shutdown_seconds,
    }
    if workers > 1:  # each worker process builds its own app (and matcher) from the environment
        uvicorn.run("service.app:create_app", factory=True, workers=workers, **options)
    else:
        uvicorn.run(create_app(), **options)
    return 0


def _store() -> Store:
    return Store(Connection.from_settings())


def _seed(args: argparse.Namespace) -> int:
    from seed_data.seeding import seed

    with _store() as store:
        seed(store, force=args.force)
    return 0


def _export(args: argparse.Namespace) -> int:
    from ontology.csvfiles import write_csv_folder
    from ontology.exporting import export_bundle
    from ontology.jsonfile import write_bundles
    from ontology.skos import to_turtle

    with _store() as store:
        bundle = export_bundle(store, args.scheme)
    output = Path(args.output)
    if args.format == "json":
        write_bundles(output, [bundle])
    elif args.format == "csv":
        write_csv_folder(output, bundle)
    else:
        output.write_text(to_turtle(bundle), encoding="utf-8")
    print(f"{args.scheme}: {len(bundle.classes)} classes, {len(bundle.items)} items written to {output}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from ontology.csvfiles import read_csv_folder
    from ontology.editing import Edit
    from ontology.importing import import_bundle
    from ontology.jsonfile import read_bundles
    from ontology.schema import apply_schema

    path = Path(args.path)
    bundles = [read_csv_folder(path)] if path.is_dir() else read_bundles(path)
    with _store() as store:
        apply_schema(store)
        for bundle in bundles:
            counts = import_bundle(store, bundle, Edit(args.actor, args.reason))
            print(f"{bundle.scheme.code} {bundle.scheme.version}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


def _release(args: argparse.Namespace) -> int:
    from ontology.releases import diff_releases, list_releases, publish_release

    if args.action == "diff" and len(args.numbers) != 2:
        raise UsageError("release diff needs two release numbers: cpms release diff SCHEME FROM TO")
    with _store() as store:
        if args.action == "publish":
            release = publish_release(store, args.scheme, actor=args.actor, note=args.note)
            print(f"{release.scheme} release {release.number} published ({release.concepts} concepts)")
        elif args.action == "list":
            for r in list_releases(store, args.scheme):
                print(f"{r.number}\t{r.published_at}\t{r.actor}\t{r.concepts}\t{r.note}")
        else:
            diff = diff_releases(store, args.scheme, *args.numbers)
            print(json.dumps(diff.model_dump(), ensure_ascii=False, indent=1))
    return 0


def _keys(args: argparse.Namespace) -> int:
    from ontology.apikeys import create_key, list_keys, revoke_key
    from ontology.schema import apply_schema

    if args.action == "create" and not (args.name and args.role):
        raise UsageError("keys create needs --name (whose key it is) and --role")
    if args.action == "revoke" and not args.id:
        raise UsageError("keys revoke needs the key's id (see cpms keys list)")
    with _store() as store:
        if args.action == "create":
            apply_schema(store)
            record, key = create_key(store, args.name, args.role, args.firm)
            bound = f", bound to firm {record.firm}" if record.firm else ""
            print(f"created key {record.id} ({record.role}) for {record.name}{bound}; it is shown only once:")
            print(key)
        elif args.action == "list":
            for k in list_keys(store):
                state = "revoked" if k.revoked else "active"
                print(f"{k.id}\t{k.role}\t{state}\t{k.created_at}\t{k.name}" + (f"\t{k.firm}" if k.firm else ""))
        else:
            revoke_key(store, args.id)
            print(f"revoked key {args.id}")
    return 0


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _up(args: argparse.Namespace) -> int:
    """Start the local Neo4j (unless NEO4J_URI points elsewhere), then serve; stop Neo4j on exit
    if this command started it."""
    settings = load_settings()
    connection = Connection.from_settings(settings)
    started_here = False
    server = ServerSettings.from_settings(settings)
    if not connection.external:
        started_here = not process.status(server).running
        print(process.start(server).message, flush=True)
    try:
        if not args.no_seed:
            _seed(argparse.Namespace(force=False))
        return _serve(args)
    finally:
        if started_here:
            print(process.stop(server).message, flush=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cpms", description="CPMS product master data standards service")
    commands = parser.add_subparsers(dest="command", required=True)

    db = commands.add_parser("db", help="manage the project's own local Neo4j server")
    db.add_argument(
        "action",
        choices=["install", "start", "stop", "status"],
        help="install: download the Neo4j jars once; start/stop/status: the local server",
    )
    db.set_defaults(func=_db)

    for name, func, text in (
        ("serve", _serve, "serve the GraphQL API (Neo4j must be running or NEO4J_URI set)"),
        ("up", _up, "start Neo4j if needed and serve the GraphQL API"),
    ):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("--host", default=None, help="listen address (default CPMS_HOST or 127.0.0.1)")
        sub.add_argument("--port", type=int, default=None, help="listen port (default CPMS_PORT or 8000)")
        sub.add_argument("--workers", type=int, default=None, help="server processes (default CPMS_WORKERS or 1)")
        sub.set_defaults(func=func)
        if name == "up":
            sub.add_argument("--no-seed", action="store_true", help="do not load the seed data first")

    seed = commands.add_parser("seed", help="load the seed schemes (UNSPSC, GPC, HS, CPMS) unless already loaded")
    seed.add_argument("--force", action="store_true", help="reload even schemes already at the same version")
    seed.set_defaults(func=_seed)

    export = commands.add_parser("export", help="export a scheme as JSON, a CSV folder, or SKOS Turtle")
    export.add_argument("scheme")
    export.add_argument("-o", "--output", required=True, help="file (json, skos) or folder (csv)")
    export.add_argument("--format", choices=["json", "csv", "skos"], default="json")
    export.set_defaults(func=_export)

    imp = commands.add_parser("import", help="import a scheme from a JSON file or a CSV folder (all or nothing)")
    imp.add_argument("path")
    imp.add_argument("--actor", required=True, help="who imports (recorded in the history)")
    imp.add_argument("--reason", required=True, help="why (recorded in the history)")
    imp.set_defaults(func=_import)

    release = commands.add_parser("release", help="publish, list and compare releases of a scheme")
    release.add_argument("action", choices=["publish", "list", "diff"])
    release.add_argument("scheme")
    release.add_argument("numbers", nargs="*", type=int, help="diff: the two release numbers")
    release.add_argument("--actor", default="")
    release.add_argument("--note", default="")
    release.set_defaults(func=_release)

    keys = commands.add_parser("keys", help="create, list and revoke API keys (stored only as hashes)")
    keys.add_argument("action", choices=["create", "list", "revoke"])
    keys.add_argument("id", nargs="?", help="revoke: the key id")
    keys.add_argument("--name", help="create: whose key it is")
    keys.add_argument("--role", choices=["reader", "manufacturer", "integrator", "editor", "admin"])
    keys.add_argument("--firm", help="create: the registry firm (unified social credit code) the key writes for")
    keys.set_defaults(func=_keys)
    add_match_command(commands)
    for command in commands.choices.values():
        command.set_defaults(usage=command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)  # a command line it cannot parse: usage, exit 2
    try:
        return args.func(args)
    except UsageError as exc:
        usage: argparse.ArgumentParser = args.usage
        usage.error(str(exc))  # the command's usage, exit 2
    except CpmsError as exc:
        print(f"cpms: error: [{exc.code}] {exc.message}", file=sys.stderr)
        if isinstance(exc, Unavailable) and exc.__cause__ is not None:  # the operator may see where
            print(f"cpms: cause: {exc.__cause__}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
