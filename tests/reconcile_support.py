"""A real CPMS service over the whole seed, served by uvicorn on a free port (OpenRefine's client
code needs a real HTTP server), and the reconciliation specs' JSON schemas to check answers with."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from jsonschema import Draft7Validator
from referencing import Registry
from referencing.jsonschema import DRAFT7 as _DRAFT7

from common.settings import ServiceSettings, Settings
from ontology.connection import Connection
from ontology.examples import add_example
from ontology.exporting import export_bundle
from ontology.model import Status
from ontology.store import Store
from service.app import create_app

SPECS = Path(__file__).resolve().parent / "specs" / "reconciliation"
ERROR_SCHEMA = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["message", "extensions"],
                "properties": {
                    "message": {"type": "string", "minLength": 1},
                    "extensions": {"type": "object", "required": ["code"], "properties": {"code": {"type": "string"}}},
                },
            },
        }
    },
}
"""The API's error shape (docs/api.md), which the reconciliation services answer errors in."""


def _registry(version: str) -> Registry:
    resources = []
    for path in (SPECS / version / "schemas").glob("*.json"):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resource = _DRAFT7.create_resource(schema)
        uri = schema.get("$id", path.name)
        resources += [(uri, resource), (uri.rstrip("#"), resource)]
    return Registry().with_resources(resources)


def validate(version: str, name: str, instance: Any) -> None:
    """Raise jsonschema's ValidationError unless `instance` is valid for the spec's schema `name`."""
    schema = json.loads((SPECS / version / "schemas" / f"{name}.json").read_text(encoding="utf-8"))
    Draft7Validator(schema, registry=_registry(version)).validate(instance)


def validate_error(instance: Any) -> None:
    Draft7Validator(ERROR_SCHEMA).validate(instance)


@contextmanager
def served(connection: Connection, port: int, anonymous_read: bool = True) -> Iterator[str]:
    """The app on 127.0.0.1:`port` until the block ends; yields its base URL once the matcher is built."""
    app = create_app(connection, Settings(service=ServiceSettings(anonymous_read=anonymous_read)))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            assert time.monotonic() < deadline, "the server started"
            time.sleep(0.05)
        assert app.state.matcher.wait_ready(300), "the matcher was built from the store"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


SIZES = ["M8*30", "4寸", "DN20", "10mm", "M6", "8寸", "6分", "50只装"]


def confirm_examples(store: Store, scheme: str = "CPMS", most: int = 300) -> int:
    """Catalog lines an editor has confirmed: the Chinese names of up to `most` active classes, each
    with a size, stored as accepted examples. A scheme decides nothing `auto` before its own
    examples show how far its scores can be trusted (`matchers.calibration`); these are what a
    pilot's first weeks of review give it. Returns how many were stored."""
    classes = [c for c in export_bundle(store, scheme).classes if c.status is Status.active and c.labels.zh_hans]
    chosen = classes[:: max(1, len(classes) // most)][:most]
    for i, concept in enumerate(chosen):
        add_example(
            store, scheme, concept.code, f"{concept.labels.zh_hans} {SIZES[i % len(SIZES)]}", "test editor", "confirm"
        )
    return len(chosen)
