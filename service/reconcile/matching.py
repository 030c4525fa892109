"""Reconciliation queries matched: each query's text and properties become a record's columns, the
matcher ranks the scheme's classes (or items), and its candidates are told in the spec's terms."""

from __future__ import annotations

from typing import Any

from common.errors import InvalidInput
from matchers import Matcher
from matchers.decide import Decision
from matchers.extract import COLUMN_ROLES
from matchers.result import Candidate
from service.reconcile.entities import Entities, name
from service.reconcile.protocol import Query

RECORD_PROPERTIES = {
    "name": {"zh-Hans": "品名", "zh-Hant": "品名", "en": "product name"},
    "spec": {"zh-Hans": "规格型号", "zh-Hant": "規格型號", "en": "specification"},
    "material": {"zh-Hans": "材质", "zh-Hant": "材質", "en": "material"},
    "finish": {"zh-Hans": "表面处理", "zh-Hant": "表面處理", "en": "finish"},
    "brand": {"zh-Hans": "品牌", "zh-Hant": "品牌", "en": "brand"},
    "model": {"zh-Hans": "型号", "zh-Hant": "型號", "en": "model"},
    "standard": {"zh-Hans": "执行标准", "zh-Hant": "執行標準", "en": "standard"},
    "unit": {"zh-Hans": "单位", "zh-Hant": "單位", "en": "unit"},
}
"""Properties a query may carry, read as the record's columns of the same name."""
WIDE = 100
"""Candidates ranked before a type keeps those within its subtree."""


def record(query: Query, entities: Entities) -> dict[str, str]:
    """The query as a catalog row: its text is the product name, each property a column; a value
    of a template property is read like a specification."""
    row: dict[str, str] = {"name": query.text}
    for pid, value in query.properties:
        role = COLUMN_ROLES.get(pid.lower(), pid.lower())
        if role in RECORD_PROPERTIES:
            row[role] = f"{row[role]} {value}" if role in row else value
        elif pid.removeprefix("value.") in entities.template_codes:
            row["spec"] = f"{row['spec']} {value}" if "spec" in row else value
        else:
            raise InvalidInput(f"没有属性 {pid} / no property {pid} to reconcile with", field="properties")
    return row


def reconcile(matcher: Matcher, entities: Entities, query: Query, lang: str) -> list[dict[str, Any]]:
    """The candidates of one query, best first. `match` is true only for the matcher's own top
    candidate when it decided `auto`: what a wrangler may accept without looking."""
    kind, top = entities.restriction(query.type)
    result = matcher.match(
        record(query, entities), scheme=entities.scheme, kind=kind, limit=WIDE if top else query.limit
    )
    first = result.candidates[0].code if result.candidates else None
    sure = result.decision == Decision.auto
    kept = [c for c in result.candidates if top is None or entities.within(c.code, top)][: query.limit]
    return [_candidate(entities, c, lang, sure and c.code == first) for c in kept]


def _candidate(entities: Entities, candidate: Candidate, lang: str, match: bool) -> dict[str, Any]:
    concept = entities.find(candidate.code)
    return {
        "id": candidate.code,
        "name": name(concept, lang),
        "description": entities.path(concept, lang),
        "type": entities.types_of(concept, lang),
        "score": round(candidate.score, 2),
        "match": match,
        "features": [
            {"id": k, "name": k.replace("_", " "), "value": round(v, 6)} for k, v in candidate.features.items()
        ],
    }
