"""`cpms seed`: load the seed schemes into the store, idempotently.

Schemes are imported in `catalog.LOADERS` order. A scheme already
in the store at the same version is left alone (an editor's later changes are not overwritten)
unless `force` is given.
"""

from __future__ import annotations

from collections.abc import Callable

from ontology.exporting import list_schemes
from ontology.importing import import_bundle
from ontology.schema import apply_schema
from ontology.store import Store

from .catalog import LOADERS


def seed(store: Store, force: bool = False, log: Callable[[str], None] = print) -> dict[str, dict[str, float]]:
    apply_schema(store)
    present = {s["code"]: s["version"] for s in list_schemes(store)}
    report: dict[str, dict[str, float]] = {}
    for code, loader in LOADERS:
        bundle = loader()
        if not force and present.get(code) == bundle.scheme.version:
            log(f"{code} {bundle.scheme.version} is already loaded")
            continue
        counts = import_bundle(store, bundle, actor="cpms seed", reason=f"seed {code} {bundle.scheme.version}")
        report[code] = counts
        log(f"{code} {bundle.scheme.version}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return report
