"""Which products readers see: all but the new products of a large registration that has not
committed yet (ontology/registry/products.py, `register_products`). Every query of products says it."""

from __future__ import annotations

from typing import LiteralString

VISIBLE: LiteralString = (
    "(p.registration IS NULL OR EXISTS { MATCH (r:Registration {id: p.registration}) WHERE r.committed }) "
)
