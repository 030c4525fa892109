"""Suggest: entities, types and properties of a scheme for a prefix typed in a client, by code
prefix, by Chinese or English words (the full-text index), or by pinyin (read by the matcher)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from matchers import Matcher
from matchers.pinyin import looks_like_pinyin
from matchers.snapshot import Kind
from ontology.queries import search
from ontology.store import Store
from service.reconcile.entities import ITEM_TYPE, ITEM_TYPE_NAMES, Entities, name

PAGE = 10
MAX_PAGE = 50


def entities(
    store: Store, matcher: Matcher, view: Entities, prefix: str, kind: Kind | None, offset: int, limit: int, lang: str
) -> list[dict[str, Any]]:
    """Classes (kind "class"), items ("item") or both, best first: codes that start with the prefix,
    then the words of labels and synonyms, then pinyin."""
    found: dict[str, None] = {}
    text = prefix.strip()
    if not text:
        return []
    wanted = offset + limit
    for code in _by_code(view, text, kind):
        found.setdefault(code)
        if len(found) >= wanted:
            break
    if len(found) < wanted:
        for hit in search(store, text, view.scheme, wanted, kind):
            found.setdefault(hit.code)
    if len(found) < wanted and looks_like_pinyin(text):
        result = matcher.match(text, scheme=view.scheme, kind=kind, limit=wanted)
        for candidate in result.candidates:
            found.setdefault(candidate.code)
    codes = list(found)[offset:wanted]
    return [_entity(view, code, lang) for code in codes if view.view.find(code) is not None]


def _by_code(view: Entities, prefix: str, kind: Kind | None) -> Iterator[str]:
    upper = prefix.upper()
    every = [view.view.classes, view.view.items]
    pools = {"class": every[:1], "item": every[1:]}.get(kind or "", every)
    for pool in pools:
        yield from (code for code in pool if code.upper().startswith(upper))


def _entity(view: Entities, code: str, lang: str) -> dict[str, Any]:
    concept = view.find(code)
    entry: dict[str, Any] = {"id": code, "name": name(concept, lang), "notable": view.types_of(concept, lang)}
    if concept.ancestors:
        entry["description"] = view.path(concept, lang)
    return entry


def types(
    store: Store, matcher: Matcher, view: Entities, prefix: str, offset: int, limit: int, lang: str
) -> list[dict[str, Any]]:
    """Types are the scheme's classes (a type restricts candidates to a subtree), and standard items."""
    result = [
        {k: v for k, v in e.items() if k != "notable"}
        for e in entities(store, matcher, view, prefix, "class", offset, limit, lang)
    ]
    item_names = ITEM_TYPE_NAMES.values()
    if view.view.items and offset == 0 and any(n.lower().startswith(prefix.strip().lower()) for n in item_names):
        result.insert(0, {"id": ITEM_TYPE, "name": ITEM_TYPE_NAMES[lang]})
    return result[:limit]


def properties(
    view: Entities, prefix: str, offset: int, limit: int, lang: str, record_properties: dict
) -> list[dict[str, str]]:
    """Properties a query may carry (record columns, template properties) and a data extension may
    fetch, whose id or name starts with or contains the prefix."""
    text = prefix.strip().lower()
    every = [{"id": pid, "name": names[lang]} for pid, names in record_properties.items()]
    every += view.properties(None, lang)
    starting = [p for p in every if p["id"].lower().startswith(text) or p["name"].lower().startswith(text)]
    containing = [p for p in every if p not in starting and (text in p["id"].lower() or text in p["name"].lower())]
    return (starting + containing)[offset : offset + limit]
