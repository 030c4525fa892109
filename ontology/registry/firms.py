"""Firms of the registry: created once under their unified social credit code (which is checked
and never changes), named in Chinese and English, placed in a region (`金华市永康市`)."""

from __future__ import annotations

from typing import Any

from neo4j import ManagedTransaction
from pydantic import BaseModel

from common.errors import InvalidInput, NotFound
from ontology.editing import Edit, record_change
from ontology.registry.model import Firm, FirmInput
from ontology.registry.visible import VISIBLE
from ontology.store import Store

REGISTRY = "REGISTRY"  # the scheme part of registry change records: REGISTRY:<firm code or product ID>


class FirmSummary(BaseModel):
    """A firm's products by status, and how complete its live products are (their mean)."""

    firm: Firm
    products: dict[str, int]
    completeness: float | None


def create_firm(store: Store, firm: FirmInput, edit: Edit) -> Firm:
    edit.require()
    return store.write_beside_ontology(_create, firm, edit)


def _create(tx: ManagedTransaction, firm: FirmInput, edit: Edit) -> Firm:
    if tx.run("MATCH (f:Firm {code: $code}) RETURN f", code=firm.code).single() is not None:
        raise InvalidInput(f"企业 {firm.code} 已登记 / firm {firm.code} is registered already", field="code")
    props = {**firm.model_dump(), "version": 1}
    row = tx.run(
        "CREATE (f:Firm) SET f = $props, f.created_at = toString(datetime()) RETURN properties(f) AS f", props=props
    ).single(strict=True)
    record_change(tx, edit, f"{REGISTRY}:{firm.code}", "create", None, row["f"])
    return Firm(**row["f"])


def get_firm(store: Store, code: str) -> Firm:
    firm = store.read(firm_tx, code)
    if firm is None:
        raise NotFound(f"没有企业 {code} / no firm {code}", field="firm")
    return firm


def firm_tx(tx: ManagedTransaction, code: str) -> Firm | None:
    row = tx.run("MATCH (f:Firm {code: $code}) RETURN properties(f) AS f", code=code.strip().upper()).single()
    return Firm(**_firm_props(row["f"])) if row else None


def _firm_props(props: dict[str, Any]) -> dict[str, Any]:
    """The firm's own fields (not the registration a firm may be holding)."""
    return {k: v for k, v in props.items() if k in Firm.model_fields}


def firms_page(store: Store, region: str | None, offset: int, limit: int) -> tuple[list[Firm], int]:
    """Firms whose region starts with `region` (`金华市` finds `金华市永康市`), by code."""
    return store.read(_firms_page, region, offset, limit)


def _firms_page(tx: ManagedTransaction, region: str | None, offset: int, limit: int) -> tuple[list[Firm], int]:
    where = "MATCH (f:Firm) WHERE $region IS NULL OR f.region STARTS WITH $region "
    total = tx.run(where + "RETURN count(f) AS n", region=region).single(strict=True)["n"]
    rows = tx.run(
        where + "RETURN properties(f) AS f ORDER BY f.code SKIP $offset LIMIT $limit",
        region=region,
        offset=offset,
        limit=limit,
    ).value("f")
    return [Firm(**_firm_props(r)) for r in rows], total


def firm_summary(store: Store, code: str) -> FirmSummary:
    return store.read(_summary, code)


def _summary(tx: ManagedTransaction, code: str) -> FirmSummary:
    firm = firm_tx(tx, code)
    if firm is None:
        raise NotFound(f"没有企业 {code} / no firm {code}", field="firm")
    rows = tx.run(
        "MATCH (p:Product {firm: $code}) WHERE p.status IN $statuses AND " + VISIBLE + ""
        "RETURN p.status AS status, count(p) AS n, avg(p.completeness) AS mean",
        code=firm.code,
        statuses=["draft", "published", "withdrawn"],
    ).data()
    live = [r for r in rows if r["status"] != "withdrawn"]
    count = sum(r["n"] for r in live)
    mean = sum(r["mean"] * r["n"] for r in live) / count if count else None
    return FirmSummary(
        firm=firm, products={r["status"]: r["n"] for r in rows}, completeness=round(mean, 4) if mean else mean
    )
