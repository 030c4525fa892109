"""The class templates products are checked against, read from the store in one round trip for
many classes: each class's status and successor, its inherited properties (required or not, data
type, unit) and their allowed values, and the standard items named."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from neo4j import ManagedTransaction

from ontology.rows import uid

SCHEME = "CPMS"


@dataclass(frozen=True)
class AllowedValue:
    code: str
    deprecated: bool
    spellings: frozenset[str]  # code, labels and synonyms, case-folded


@dataclass(frozen=True)
class TemplateProperty:
    code: str
    label: str
    data_type: str
    unit: str | None
    required: bool
    values: dict[str, AllowedValue] = field(default_factory=dict)  # by code

    def value_for(self, text: str) -> AllowedValue | None:
        """The allowed value `text` names: by its code, a label or a synonym, without case."""
        wanted = text.strip().casefold()
        return self.values.get(text.strip()) or next((v for v in self.values.values() if wanted in v.spellings), None)


@dataclass(frozen=True)
class ClassTemplate:
    code: str
    status: str
    replaced_by: str | None
    properties: dict[str, TemplateProperty]  # by code, ancestors' first


@dataclass(frozen=True)
class StandardItem:
    code: str
    class_code: str
    status: str
    values: dict[str, dict]  # property -> its ItemValue as a dict


def read_templates(tx: ManagedTransaction, class_codes: set[str]) -> dict[str, ClassTemplate]:
    """The templates of the CPMS classes among `class_codes` that exist."""
    rows = tx.run(
        "UNWIND $uids AS key MATCH (c:Class {uid: key}) "
        "OPTIONAL MATCH path = (c)-[:BROADER*0..]->(:Class)-[r:HAS_PROPERTY]->(p:Property) "
        "WITH c, p, r, length(path) AS d ORDER BY d DESC, r.ord "
        "RETURN c.code AS code, c.status AS status, c.replaced_by AS replaced_by, "
        "collect(CASE WHEN p IS NULL THEN NULL ELSE {uid: p.uid, code: p.code, label: coalesce(p.label_zh, p.code), "
        "data_type: p.data_type, unit: p.unit, required: coalesce(r.required, false)} END) AS properties",
        uids=[uid(SCHEME, c) for c in sorted(class_codes)],
    ).data()
    property_uids = sorted({p["uid"] for r in rows for p in r["properties"] if p["data_type"] == "enum"})
    values = _allowed_values(tx, property_uids)
    templates = {}
    for r in rows:
        merged: dict[str, TemplateProperty] = {}
        for p in r["properties"]:
            known = merged.get(p["code"])
            merged[p["code"]] = TemplateProperty(
                code=p["code"], label=p["label"], data_type=p["data_type"], unit=p["unit"],
                required=p["required"] or bool(known and known.required), values=values.get(p["uid"], {}),
            )  # fmt: skip
        templates[r["code"]] = ClassTemplate(r["code"], r["status"], r["replaced_by"], merged)
    return templates


def _allowed_values(tx: ManagedTransaction, property_uids: list[str]) -> dict[str, dict[str, AllowedValue]]:
    rows = tx.run(
        "UNWIND $uids AS key MATCH (:Property {uid: key})-[:HAS_VALUE]->(v:Value) "
        "RETURN key, v.code AS code, v.status AS status, "
        "[t IN [v.code, v.label_zh, v.label_zh_hant, v.label_en] + coalesce(v.syn_text, []) "
        "WHERE t IS NOT NULL] AS texts",
        uids=property_uids,
    )
    found: dict[str, dict[str, AllowedValue]] = {}
    for r in rows:
        spellings = frozenset(t.strip().casefold() for t in r["texts"])
        found.setdefault(r["key"], {})[r["code"]] = AllowedValue(r["code"], r["status"] == "deprecated", spellings)
    return found


def read_items(tx: ManagedTransaction, item_codes: set[str]) -> dict[str, StandardItem]:
    rows = tx.run(
        "UNWIND $uids AS key MATCH (i:Item {uid: key}) "
        "RETURN i.code AS code, i.class_code AS class_code, i.status AS status, i.values_json AS values",
        uids=[uid(SCHEME, c) for c in sorted(item_codes)],
    )
    return {
        r["code"]: StandardItem(
            r["code"], r["class_code"], r["status"], {v["property"]: v for v in json.loads(r["values"] or "[]")}
        )
        for r in rows
    }
