"""Settings kept on a scheme's node that change how its records are matched, not what it holds:
the precision its `auto` decisions must reach (`matchers.calibration`)."""

from __future__ import annotations

from neo4j import ManagedTransaction

from common.errors import UnknownScheme
from ontology.editing import Edit, record_change
from ontology.model import check_target_precision
from ontology.store import Store


def set_target_precision(store: Store, scheme: str, precision: float, edit: Edit) -> float:
    """Store the precision asked of `scheme`'s auto decisions; the change history keeps who and why."""
    edit.require()
    check_target_precision(precision)
    return store.write(_set, scheme, precision, edit)


def _set(tx: ManagedTransaction, scheme: str, precision: float, edit: Edit) -> float:
    row = tx.run(
        "MATCH (s:Scheme {code: $scheme}) WITH s, s.target_precision AS before "
        "SET s.target_precision = $precision RETURN before",
        scheme=scheme,
        precision=precision,
    ).single()
    if row is None:
        raise UnknownScheme(scheme)
    before, after = {"target_precision": row["before"]}, {"target_precision": precision}
    record_change(tx, edit, f"{scheme}:", "set_target_precision", before, after)
    return precision
