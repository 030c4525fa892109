"""Read queries over the ontology: one class with its template, and full-text search."""

from __future__ import annotations

import re
from typing import Any

from neo4j import ManagedTransaction
from pydantic import BaseModel

from common.errors import LimitExceeded, NotFound
from ontology.browse import templates_tx
from ontology.model import ConceptClass
from ontology.rows import class_from, uid
from ontology.schema import FULLTEXT_INDEX
from ontology.store import Store


class TemplateEntry(BaseModel):
    property: str
    required: bool
    defined_on: str  # the class that attaches it (the class itself or an ancestor)


class ClassView(BaseModel):
    scheme: str
    concept: ConceptClass
    ancestors: list[str]  # nearest first
    template: list[TemplateEntry]


def get_class(store: Store, scheme: str, code: str) -> ClassView:
    """A class by code, deprecated ones included (with their `replaced_by`)."""
    return store.read(_get_class, scheme, code)


def _get_class(tx: ManagedTransaction, scheme: str, code: str) -> ClassView:
    key = uid(scheme, code)
    record = tx.run(
        "MATCH (c:Class {uid: $uid}) "
        "OPTIONAL MATCH (c)-[:BROADER]->(parent:Class) "
        "CALL { WITH c OPTIONAL MATCH path = (c)-[:BROADER*1..]->(a:Class) WITH a, length(path) AS d ORDER BY d "
        "       RETURN collect(a.code) AS ancestors } "
        "RETURN properties(c) AS c, parent.code AS parent, ancestors",
        uid=key,
    ).single()
    if record is None:
        raise NotFound(f"class {code} does not exist in {scheme}", code=code, scheme=scheme)
    template = [
        TemplateEntry(property=row.property.property.code, required=row.required, defined_on=row.defined_on)
        for row in templates_tx(tx, [key]).get(key, [])
    ]
    return ClassView(
        scheme=scheme,
        concept=class_from(record["c"], record["parent"], []),
        ancestors=record["ancestors"],
        template=template,
    )


class SearchHit(BaseModel):
    kind: str  # "class" or "item"
    scheme: str
    code: str
    label: str
    status: str
    score: float


_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/]|&&|\|\|)')
_LUCENE_OPERATOR_WORDS = re.compile(r"(?<!\S)(AND|OR|NOT)(?!\S)")
_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TERMS = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")
MAX_SEARCH_TERMS = 256
"""Lucene refuses a query of over 1,024 clauses; a search of more words than this is a mistake."""


def lucene_escape(text: str) -> str:
    """User text as a Lucene query of plain words: every operator character escaped, and the
    operator words (AND, OR, NOT) lower-cased, as the index's analyzer reads every word anyway."""
    return _LUCENE_OPERATOR_WORDS.sub(lambda m: m.group(1).lower(), _LUCENE_SPECIAL.sub(r"\\\1", text))


def search_terms(text: str) -> int:
    """About how many terms the index's CJK analyzer makes of `text`: a word of letters or digits
    is one, a run of Chinese, Japanese or Korean characters one per character (its bigrams)."""
    return len(_TERMS.findall(text))


def search(
    store: Store,
    text: str,
    scheme: str | None = None,
    limit: int = 20,
    kind: str | None = None,
    status: str | None = None,
    parent: str | None = None,
    offset: int = 0,
) -> list[SearchHit]:
    """Full-text search over labels and synonyms (Chinese by CJK bigrams, English by words), best
    first; optionally only classes or items, of one status, or under one class (`parent`, a code
    of `scheme`)."""
    if not text.strip():
        return []
    terms = search_terms(text)
    if terms > MAX_SEARCH_TERMS:
        raise LimitExceeded(
            f"search text has about {terms} words or characters; at most {MAX_SEARCH_TERMS}", field="text"
        )
    return store.read(_search, lucene_escape(text.strip()), scheme, kind, status, parent, offset, limit)


def _search(
    tx: ManagedTransaction,
    query: str,
    scheme: str | None,
    kind: str | None,
    status: str | None,
    parent: str | None,
    offset: int,
    limit: int,
) -> list[SearchHit]:
    filtered = any(x is not None for x in (scheme, kind, status, parent))
    rows: list[dict[str, Any]] = tx.run(
        "CALL db.index.fulltext.queryNodes($index, $text, {limit: $fetch}) YIELD node, score "
        "WITH node, score, CASE WHEN node:Item THEN 'item' ELSE 'class' END AS kind "
        "WHERE ($scheme IS NULL OR node.scheme = $scheme) AND ($kind IS NULL OR kind = $kind) "
        "AND ($status IS NULL OR node.status = $status) "
        "AND ($parent IS NULL "
        "     OR EXISTS { MATCH (node)-[:OF_CLASS*0..1]->(:Class)-[:BROADER*0..]->(:Class {uid: $parent}) }) "
        "RETURN kind, node.scheme AS scheme, node.code AS code, "
        "coalesce(node.label_zh, node.label_en, node.label_zh_hant) AS label, node.status AS status, score "
        "SKIP $offset LIMIT $limit",
        index=FULLTEXT_INDEX,
        text=query,
        scheme=scheme,
        kind=kind,
        status=status,
        parent=uid(scheme, parent) if parent and scheme else None,
        offset=offset,
        limit=limit,
        fetch=(offset + limit) * (50 if filtered else 1),
    ).data()
    return [SearchHit(**row) for row in rows]
