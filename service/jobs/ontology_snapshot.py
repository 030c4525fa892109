"""The ontology a bulk run matches against when it runs against the live store: one scheme,
exported from Neo4j into the run's folder (see bulk/snapshots.py for the offline file)."""

from __future__ import annotations

from pathlib import Path

from common.errors import InvalidInput
from ontology.exporting import export_bundle, list_schemes
from ontology.jsonfile import write_bundles
from ontology.store import Store


def export_scheme(store: Store, scheme: str, target: Path) -> None:
    codes = [s["code"] for s in list_schemes(store)]
    if scheme not in codes:
        raise InvalidInput(f"the store has no scheme {scheme!r} (have: {', '.join(codes) or 'none'})")
    write_bundles(target, [export_bundle(store, scheme)])
