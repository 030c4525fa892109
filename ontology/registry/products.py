"""Products of the registry: registered as drafts in one transaction (all or nothing), published
once they pass their template, withdrawn, never deleted. A product's ID is handed out once, from
a counter in the store, and never again; the same SKU of a firm registered again is the same
product, in a new version. Every change is a change record (`REGISTRY:<product ID>`), the
product before and after, as ontology edits are (ontology/editing.py).

Product writes lie beside the ontology (`Store.write_beside_ontology`): matchers are not rebuilt.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from neo4j import ManagedTransaction
from pydantic import BaseModel, ConfigDict

from common.errors import CpmsError, InvalidInput, LimitExceeded, NotFound
from ontology.editing import Change, Changed, Edit, history, record_changes
from ontology.registry.checking import Checked, check_product, problem, value_keys
from ontology.registry.firms import REGISTRY
from ontology.registry.identifiers import product_id
from ontology.registry.model import (
    Problem,
    ProblemKind,
    Product,
    ProductInput,
    ProductStatus,
    ProductValue,
    StoredValue,
)
from ontology.registry.templates import SCHEME, read_items, read_templates
from ontology.registry.visible import VISIBLE
from ontology.rows import uid
from ontology.store import Store

MAX_REGISTRATION = 200_000  # rows one registration may hold
STAGE_ROWS = 5_000  # a registration of more rows is written in parts (a transaction each), then committed at once
STALE_SECONDS = 3_600  # a registration staging this long was left by a crash
_BATCH = 5_000  # rows a statement writes
_CONTENT = ("name_zh", "name_en", "class_code", "item_code", "gtin", "brand", "values_json")


class RowRefusal(BaseModel):
    """A row a registration refused, and why (each problem named)."""

    row: int
    sku: str | None
    problems: list[Problem]


class RegistrationRefused(InvalidInput):
    """Nothing was registered: the rows named in `details["rows"]` are refused."""

    def __init__(self, refusals: list[RowRefusal]) -> None:
        shown = "; ".join(f"row {r.row}: {r.problems[0].message}" for r in refusals[:5])
        more = f" (and {len(refusals) - 5} more rows)" if len(refusals) > 5 else ""
        super().__init__(
            f"登记被拒绝，{len(refusals)} 行有问题，未登记任何产品 / registration refused: {len(refusals)} rows "
            f"have problems, nothing was registered: {shown}{more}",
            rows=[r.model_dump(mode="json") for r in refusals],
        )
        self.refusals = refusals


class PublishRefused(InvalidInput):
    """Nothing was published: each product named in `details["products"]` has problems."""

    def __init__(self, refused: dict[str, list[Problem]]) -> None:
        shown = "; ".join(f"{pid}: " + ", ".join(p.message for p in problems) for pid, problems in refused.items())
        super().__init__(
            f"发布被拒绝，未发布任何产品 / publishing refused, nothing was published: {shown}",
            products=[
                {"id": pid, "problems": [p.model_dump(mode="json") for p in problems]}
                for pid, problems in refused.items()
            ],
        )
        self.refused = refused


class RegistrationInProgress(CpmsError):
    """Another registration of the firm is staging its products."""

    code = "CONFLICT"
    http_status = 409


class ProductRow(BaseModel):
    row: int  # where the row is in its source (a bulk job's input row, or the position in a list)
    product: ProductInput


class Registration(BaseModel):
    firm: str
    created: list[str]  # product IDs
    updated: list[str]
    unchanged: list[str]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


_FIELDS = ("id", "firm", "sku", "name_zh", "name_en", "class_code", "item_code", "gtin", "brand", "status", "version",
           "completeness", "created_at", "updated_at")  # fmt: skip


def product_from(props: dict[str, Any]) -> Product:
    fields: dict[str, Any] = {k: props.get(k) for k in _FIELDS}
    return Product(
        **fields,
        values=[StoredValue(**v) for v in json.loads(props.get("values_json") or "[]")],
        problems=[Problem(**p) for p in json.loads(props.get("problems_json") or "[]")],
    )


def stated_values(product: Product) -> list[ProductValue]:
    """A stored product's values as stated again, to check against the template as it is now."""
    return [ProductValue(**v.model_dump(exclude_none=True)) for v in product.values]


def as_input(product: Product) -> ProductInput:
    return ProductInput(
        sku=product.sku, name_zh=product.name_zh, name_en=product.name_en, class_code=product.class_code,
        item_code=product.item_code, gtin=product.gtin, brand=product.brand, values=stated_values(product),
    )  # fmt: skip


def _content(firm: str, product: ProductInput, checked: Checked) -> dict[str, Any]:
    return {
        "firm": firm, "sku": product.sku, "firm_sku": f"{firm}|{product.sku}", "name_zh": product.name_zh,
        "name_en": product.name_en, "class_code": product.class_code, "item_code": product.item_code,
        "gtin": product.gtin, "brand": product.brand,
        "values_json": json.dumps([v.model_dump(exclude_none=True) for v in checked.values], ensure_ascii=False),
        "value_keys": value_keys(checked.values), "completeness": checked.completeness,
        "problems_json": json.dumps([p.model_dump(mode="json") for p in checked.problems], ensure_ascii=False),
    }  # fmt: skip


def _links(props: dict[str, Any], checked: Checked) -> dict[str, Any]:
    return {
        "id": props["id"],
        "class_uid": uid(SCHEME, props["class_code"]),
        "value_uids": [f"{SCHEME}:{v.property}:{v.value}" for v in checked.values if v.value is not None],
    }


# -- registering


class _Plan(BaseModel):
    """What a registration does, found before anything is written."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    creates: list[tuple[dict[str, Any], Checked]]
    updates: list[tuple[dict[str, Any], dict[str, Any], Checked]]
    unchanged: list[str]


def register_products(
    store: Store,
    firm: str,
    rows: Sequence[ProductRow],
    edit: Edit,
    refused: Sequence[RowRefusal] = (),
    registration: str | None = None,
) -> Registration:
    """Register `rows` as the firm's drafts, all or nothing. A row whose SKU the firm has already is
    a new version of that product (unchanged content makes none). Rows refused already by the
    caller (`refused`: a row without a SKU, a bad GTIN) are reported with the rows refused here,
    and nothing is registered.

    Up to STAGE_ROWS rows are one transaction. More are written in parts: the new products, tagged
    with a registration that readers do not see (VISIBLE) until it commits, one part a
    transaction; then one transaction commits the registration (one node: 100,000 products changed
    in one transaction needed more memory than the store allows) and applies the new versions of
    products the firm had, so that readers see all of it or none. The tags are then removed.
    A registration that fails on the way removes what it staged; one the firm holds meanwhile is
    refused with CONFLICT (one registration of a firm at a time). `registration`: the id its parts
    are tagged with (default: a new one), for `abandon_registration` after a crash."""
    edit.require()
    if len(rows) + len(refused) > MAX_REGISTRATION:
        raise LimitExceeded(
            f"一次最多登记 {MAX_REGISTRATION} 行 / at most {MAX_REGISTRATION} rows a registration", field="rows"
        )
    if len(rows) <= STAGE_ROWS:
        return store.write_beside_ontology(_register, firm, list(rows), edit, list(refused))
    registration = registration or uuid.uuid4().hex
    store.write_beside_ontology(_take_lock, firm, registration)  # before the plan: no SKU of the firm comes meanwhile
    try:
        plan = store.read(_plan, firm, list(rows), list(refused))
        if len(plan.updates) > STAGE_ROWS:
            raise LimitExceeded(
                f"一次最多更新 {STAGE_ROWS} 个已有产品，请分批登记 / at most {STAGE_ROWS} products the firm has may "
                "get a new version in one registration: register the rows in parts",
                field="rows",
            )
        created: list[str] = []
        for start in range(0, len(plan.creates), STAGE_ROWS):
            part = plan.creates[start : start + STAGE_ROWS]
            created += store.write_beside_ontology(_stage, part, registration, edit)
        done = store.write_beside_ontology(_commit, firm, registration, created, plan, edit)
    except BaseException:
        while store.write_beside_ontology(_discard, firm, registration):
            pass
        raise
    while store.write_beside_ontology(_untag, registration):  # tidying only: committed products are visible
        pass
    return done


def abandon_registration(store: Store, firm: str, registration: str) -> None:
    """What a registration that a crash stopped left: what it staged removed (nothing, if it had
    committed) and the firm free again at once, not after STALE_SECONDS."""
    while store.write_beside_ontology(_discard, firm, registration):
        pass
    while store.write_beside_ontology(_untag, registration):
        pass


def _lock_firm(tx: ManagedTransaction, firm: str) -> None:
    if tx.run("MATCH (f:Firm {code: $code}) SET f._lock = true REMOVE f._lock RETURN f", code=firm).single() is None:
        raise NotFound(f"没有企业 {firm} / no firm {firm}", field="firm")


def _check_unlocked(tx: ManagedTransaction, firm: str, registration: str | None = None) -> None:
    """Refuse while another registration of the firm is staging (a stale one, left by a crash, is cleared)."""
    held = tx.run(
        "MATCH (f:Firm {code: $code}) WHERE f.registration IS NOT NULL AND f.registration <> $mine "
        "RETURN f.registration AS id, f.registration_at < datetime() - duration({seconds: $stale}) AS stale",
        code=firm,
        mine=registration or "",
        stale=STALE_SECONDS,
    ).single()
    if held is None:
        return
    if not held["stale"]:
        raise RegistrationInProgress(
            f"企业 {firm} 正在登记另一批产品，请稍后再试 / another registration of firm {firm} is under way; "
            "retry when it is done",
            field="firm",
        )
    while _discard(tx, firm, held["id"]):
        pass


def _take_lock(tx: ManagedTransaction, firm: str, registration: str) -> None:
    _lock_firm(tx, firm)
    _check_unlocked(tx, firm, registration)
    tx.run(
        "MATCH (f:Firm {code: $code}) SET f.registration = $id, f.registration_at = datetime() "
        "CREATE (:Registration {id: $id, firm: $code, committed: false, at: datetime()})",
        code=firm,
        id=registration,
    ).consume()


def _plan(tx: ManagedTransaction, firm: str, rows: list[ProductRow], refused: list[RowRefusal]) -> _Plan:
    """Every row checked against its template and the firm's products; RegistrationRefused naming
    every refused row, or what to write."""
    templates = read_templates(tx, {r.product.class_code for r in rows})
    items = read_items(tx, {r.product.item_code for r in rows if r.product.item_code})
    existing = {
        r["p"]["sku"]: r["p"]
        for r in tx.run(
            "UNWIND $keys AS key MATCH (p:Product {firm_sku: key}) WHERE " + VISIBLE + "RETURN properties(p) AS p",
            keys=[f"{firm}|{r.product.sku}" for r in rows],
        )
    }
    refusals, seen = list(refused), dict[str, int]()
    plan = _Plan(creates=[], updates=[], unchanged=[])
    for row in rows:
        product = row.product
        checked = check_product(product, templates.get(product.class_code), items)
        problems = [] if checked.storable else list(checked.problems)
        if product.sku in seen:
            problems = [_repeated(product.sku, seen[product.sku]), *problems]
        seen.setdefault(product.sku, row.row)
        before = existing.get(product.sku)
        if before is not None and before["status"] == ProductStatus.published and not checked.publishable:
            problems += [_would_break(before["id"], p) for p in checked.problems]
        if problems:
            refusals.append(RowRefusal(row=row.row, sku=product.sku, problems=problems))
            continue
        content = _content(firm, product, checked)
        if before is None:
            plan.creates.append((content, checked))
        elif all(before.get(k) == content.get(k) for k in _CONTENT):
            plan.unchanged.append(before["id"])
        else:
            plan.updates.append((before, content, checked))
    if refusals:
        raise RegistrationRefused(sorted(refusals, key=lambda r: r.row))
    return plan


def _register(
    tx: ManagedTransaction, firm: str, rows: list[ProductRow], edit: Edit, refused: list[RowRefusal]
) -> Registration:
    _lock_firm(tx, firm)
    _check_unlocked(tx, firm)
    plan = _plan(tx, firm, rows, refused)
    created = _create(tx, plan.creates, ProductStatus.draft.value, None)
    updated = _update(tx, plan.updates)
    record_changes(
        tx,
        edit,
        [Changed(f"{REGISTRY}:{p['id']}", "register", None, p) for p in created]
        + [Changed(f"{REGISTRY}:{b['id']}", "reregister", b, a) for b, a in updated],
    )
    return Registration(
        firm=firm, created=[p["id"] for p in created], updated=[a["id"] for _, a in updated], unchanged=plan.unchanged
    )


def _stage(
    tx: ManagedTransaction, creates: list[tuple[dict[str, Any], Checked]], registration: str, edit: Edit
) -> list[str]:
    """New products of a large registration, tagged with it: written, but not VISIBLE until it commits."""
    created = _create(tx, creates, ProductStatus.draft.value, registration)
    shown = [{k: v for k, v in p.items() if k != "registration"} for p in created]  # as readers will see them
    record_changes(tx, edit, [Changed(f"{REGISTRY}:{p['id']}", "register", None, p) for p in shown])
    return [p["id"] for p in created]


def _commit(
    tx: ManagedTransaction, firm: str, registration: str, created: list[str], plan: _Plan, edit: Edit
) -> Registration:
    """The registration's new products become visible, and the new versions are written, in one transaction."""
    _lock_firm(tx, firm)
    _check_unlocked(tx, firm, registration)
    tx.run("MATCH (r:Registration {id: $id}) SET r.committed = true", id=registration).consume()
    updated = _update(tx, plan.updates)
    record_changes(tx, edit, [Changed(f"{REGISTRY}:{b['id']}", "reregister", b, a) for b, a in updated])
    tx.run("MATCH (f:Firm {code: $code}) REMOVE f.registration, f.registration_at", code=firm).consume()
    return Registration(firm=firm, created=created, updated=[a["id"] for _, a in updated], unchanged=plan.unchanged)


def _discard(tx: ManagedTransaction, firm: str, registration: str) -> int:
    """Remove a batch of what a failed registration staged (its products and their change
    records); 0 when nothing is left, and the firm is free again."""
    removed = tx.run(
        "MATCH (r:Registration {id: $registration}) WHERE NOT r.committed "
        "MATCH (p:Product {registration: $registration}) WITH p LIMIT $batch "
        "OPTIONAL MATCH (c:Change {concept: $prefix + p.id}) DETACH DELETE p, c RETURN count(*) AS n",
        registration=registration,
        batch=_BATCH,
        prefix=f"{REGISTRY}:",
    ).single(strict=True)["n"]
    if not removed:
        tx.run(
            "MATCH (f:Firm {code: $code}) WHERE f.registration = $registration "
            "REMOVE f.registration, f.registration_at "
            "WITH f OPTIONAL MATCH (r:Registration {id: $registration}) WHERE NOT r.committed DELETE r",
            code=firm,
            registration=registration,
        ).consume()
    return removed


def _untag(tx: ManagedTransaction, registration: str) -> int:
    """Remove a batch of a committed registration's tags (then the registration); 0 when done."""
    untagged = tx.run(
        "MATCH (p:Product {registration: $registration}) WITH p LIMIT $batch REMOVE p.registration "
        "RETURN count(*) AS n",
        registration=registration,
        batch=_BATCH,
    ).single(strict=True)["n"]
    if not untagged:
        tx.run("MATCH (r:Registration {id: $id}) WHERE r.committed DELETE r", id=registration).consume()
    return untagged


def _repeated(sku: str, first_row: int) -> Problem:
    return problem(
        ProblemKind.conflict, f"货号 {sku} 在第 {first_row} 行已出现", f"SKU {sku} is also on row {first_row}"
    )


def _would_break(product: str, found: Problem) -> Problem:
    return found.model_copy(
        update={"message": f"已发布的产品 {product} 不能带着问题更新 / published product {product} cannot take this "
                           f"change: {found.message}"}
    )  # fmt: skip


def _serials(tx: ManagedTransaction, count: int) -> range:
    last = tx.run(
        "MERGE (s:Sequence {id: 'product'}) ON CREATE SET s.last = 0 SET s.last = s.last + $n RETURN s.last AS last",
        n=count,
    ).single(strict=True)["last"]
    return range(last - count + 1, last + 1)


_LINK = (
    "WITH p, row MATCH (f:Firm {code: p.firm}) CREATE (p)-[:MADE_BY]->(f) "
    "WITH p, row MATCH (c:Class {uid: row.class_uid}) CREATE (p)-[:CLASSIFIED_AS]->(c) "
    "WITH p, row UNWIND row.value_uids AS value MATCH (v:Value {uid: value}) CREATE (p)-[:STATES_VALUE]->(v)"
)


def _create(
    tx: ManagedTransaction, creates: list[tuple[dict[str, Any], Checked]], status: str, registration: str | None
) -> list[dict[str, Any]]:
    if not creates:
        return []
    at = _now()
    created = []
    for serial, (content, _) in zip(_serials(tx, len(creates)), creates, strict=True):
        props = {**content, "id": product_id(serial), "status": status, "version": 1, "created_at": at,
                 "updated_at": at}  # fmt: skip
        created.append({**props, "registration": registration} if registration else props)
    rows = [{"props": props, **_links(props, checked)} for props, (_, checked) in zip(created, creates, strict=True)]
    for start in range(0, len(rows), _BATCH):
        batch = rows[start : start + _BATCH]
        tx.run("UNWIND $rows AS row CREATE (p:Product) SET p = row.props " + _LINK, rows=batch).consume()
    return created


def _update(
    tx: ManagedTransaction, updates: list[tuple[dict[str, Any], dict[str, Any], Checked]]
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    at = _now()
    done = []
    for before, content, _ in updates:
        status = ProductStatus.draft.value if before["status"] == ProductStatus.withdrawn else before["status"]
        after = {**before, **content, "status": status, "version": before["version"] + 1, "updated_at": at}
        after.pop("registration", None)  # the tag of a committed registration not yet removed
        done.append((before, after))
    rows = [{"props": a, **_links(a, checked)} for (_, a), (_, _, checked) in zip(done, updates, strict=True)]
    for start in range(0, len(rows), _BATCH):
        batch = rows[start : start + _BATCH]
        tx.run(
            "UNWIND $rows AS row MATCH (p:Product {id: row.id}) "
            "OPTIONAL MATCH (p)-[old:CLASSIFIED_AS|STATES_VALUE|MADE_BY]->() DELETE old "
            "WITH DISTINCT p, row SET p = row.props " + _LINK,
            rows=batch,
        ).consume()
    return done


# -- publishing and withdrawing


def publish_products(
    store: Store, firm: str, ids: Sequence[str], edit: Edit, duplicates: dict[str, list[Problem]] | None = None
) -> list[Product]:
    """Publish the firm's drafts `ids`, all or none: each is checked against its template as it is
    now, and `duplicates` (found by the caller's matcher) count as problems. A refusal names every
    problem of every product, and changes nothing."""
    edit.require()
    return store.write_beside_ontology(_publish, firm, list(dict.fromkeys(ids)), edit, duplicates or {})


def _owned(tx: ManagedTransaction, firm: str, ids: list[str]) -> dict[str, dict[str, Any]]:
    rows = {
        r["p"]["id"]: r["p"]
        for r in tx.run(
            "UNWIND $ids AS id MATCH (p:Product {id: id}) WHERE " + VISIBLE + ""
            "SET p._lock = true REMOVE p._lock RETURN properties(p) AS p",
            ids=ids,
        )
    }
    missing = [i for i in ids if i not in rows or rows[i]["firm"] != firm]
    if missing:  # another firm's product is not named as such: it does not exist for this caller
        raise NotFound(
            f"企业 {firm} 没有产品 {', '.join(missing)} / firm {firm} has no product {', '.join(missing)}",
            field="ids",
            ids=missing,
        )
    return rows


def recheck(tx: ManagedTransaction, products: list[Product]) -> dict[str, Checked]:
    """Each product checked against its template as the store has it now."""
    templates = read_templates(tx, {p.class_code for p in products})
    items = read_items(tx, {p.item_code for p in products if p.item_code})
    return {p.id: check_product(as_input(p), templates.get(p.class_code), items) for p in products}


def _publish(
    tx: ManagedTransaction, firm: str, ids: list[str], edit: Edit, duplicates: dict[str, list[Problem]]
) -> list[Product]:
    _lock_firm(tx, firm)
    rows = _owned(tx, firm, ids)
    products = [product_from(rows[i]) for i in ids]
    checked = recheck(tx, products)
    refused: dict[str, list[Problem]] = {}
    for p in products:
        problems = checked[p.id].problems + duplicates.get(p.id, [])
        if p.status is not ProductStatus.draft:
            problems.insert(0, problem(ProblemKind.status, f"产品 {p.id} 的状态是 {p.status.value}，只有草稿可发布",
                                       f"product {p.id} is {p.status.value}; only drafts are published"))  # fmt: skip
        if problems:
            refused[p.id] = problems
    if refused:
        raise PublishRefused(refused)
    return _set_status(tx, edit, rows, ids, ProductStatus.published, "publish")


def _set_status(
    tx: ManagedTransaction, edit: Edit, rows: dict[str, dict[str, Any]], ids: list[str], status: ProductStatus,
    action: str,
) -> list[Product]:  # fmt: skip
    after = tx.run(
        "UNWIND $ids AS id MATCH (p:Product {id: id}) SET p.status = $status, p.version = p.version + 1, "
        "p.updated_at = $at, p.problems_json = CASE WHEN $status = 'published' THEN '[]' ELSE p.problems_json END "
        "RETURN properties(p) AS p",
        ids=ids,
        status=status.value,
        at=_now(),
    ).value("p")
    by_id = {a["id"]: a for a in after}
    record_changes(tx, edit, [Changed(f"{REGISTRY}:{i}", action, rows[i], by_id[i]) for i in ids])
    return [product_from(by_id[i]) for i in ids]


def withdraw_products(store: Store, firm: str, ids: Sequence[str], edit: Edit) -> list[Product]:
    """Withdrawn products stay in the registry under their IDs (never reused), out of the searches."""
    edit.require()
    return store.write_beside_ontology(_withdraw, firm, list(dict.fromkeys(ids)), edit)


def _withdraw(tx: ManagedTransaction, firm: str, ids: list[str], edit: Edit) -> list[Product]:
    rows = _owned(tx, firm, ids)
    return _set_status(tx, edit, rows, ids, ProductStatus.withdrawn, "withdraw")


# -- reading


def products_by_id(store: Store, ids: list[str]) -> list[Product | None]:
    found = store.read(_by_id, ids)
    return [found.get(i) for i in ids]


def _by_id(tx: ManagedTransaction, ids: list[str]) -> dict[str, Product]:
    rows = tx.run(
        "UNWIND $ids AS id MATCH (p:Product {id: id}) WHERE " + VISIBLE + "RETURN properties(p) AS p",
        ids=ids,
    ).value("p")
    return {r["id"]: product_from(r) for r in rows}


def firm_products(store: Store, firm: str, statuses: Sequence[str]) -> list[Product]:
    """Every product of the firm in one of `statuses`, by SKU (an export, a duplicate check)."""
    return store.read(_firm_products, firm, list(statuses))


def _firm_products(tx: ManagedTransaction, firm: str, statuses: list[str]) -> list[Product]:
    rows = tx.run(
        "MATCH (p:Product {firm: $firm}) WHERE p.status IN $statuses AND " + VISIBLE + ""
        "RETURN properties(p) AS p ORDER BY p.sku",
        firm=firm,
        statuses=statuses,
    ).value("p")
    return [product_from(r) for r in rows]


def product_history(store: Store, product: str) -> list[Change]:
    """Every version of the product: who changed it, when, why, before and after."""
    return history(store, REGISTRY, product)
