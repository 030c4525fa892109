"""Reconciliation answers about entities (classes and standard items of one scheme): names in the
caller's language, the class path, types, extension values and property proposals.

Read from the live matcher's snapshot, the in-memory ontology the matches come from, so that a
candidate and what is said of it always agree; mappings to other schemes, which the snapshot does
not keep, are read from the store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from common.errors import InvalidInput, NotFound
from matchers.snapshot import Concept, Kind, SchemeView, Snapshot, TemplateProperty
from matchers.units import format_number
from ontology import browse
from ontology.rows import uid
from ontology.store import Store

LANGUAGES = ("zh-Hans", "zh-Hant", "en")
ITEM_TYPE = "item"
ITEM_TYPE_NAMES = {"zh-Hans": "标准件", "zh-Hant": "標準件", "en": "standard item"}
MAPPED_SCHEMES = ("CPMS", "UNSPSC", "GPC", "HS")


def language(requested: str | None) -> str:
    """zh-Hans unless the caller asks for traditional Chinese or English (a `lang` parameter or
    the first language of Accept-Language)."""
    first = (requested or "").split(",")[0].split(";")[0].strip().lower()
    if first.startswith("en"):
        return "en"
    if first in {"zh-hant", "zh-tw", "zh-hk", "zh-mo"} or first.startswith("zh-hant"):
        return "zh-Hant"
    return "zh-Hans"


def name(concept: Concept, lang: str) -> str:
    labels = dict(concept.labels)
    return labels.get(lang) or labels.get("zh-Hans") or labels.get("en") or concept.label


@dataclass(frozen=True)
class Entities:
    """One scheme of a snapshot, as the reconciliation service speaks of it."""

    view: SchemeView

    @classmethod
    def of(cls, snapshot: Snapshot, scheme: str) -> Entities:
        try:
            return cls(snapshot.scheme(scheme))
        except KeyError as exc:
            raise NotFound(f"没有方案 {scheme} / no scheme {scheme}", field="scheme") from exc

    @property
    def scheme(self) -> str:
        return self.view.code

    def find(self, code: str) -> Concept:
        concept = self.view.find(code)
        if concept is None:
            raise NotFound(f"{self.scheme} 中没有代码 {code} / no code {code} in {self.scheme}", field="id")
        return concept

    def path(self, concept: Concept, lang: str) -> str:
        """The class path, top first: where a candidate sits in the tree."""
        above = [self.view.classes.get(code) for code in reversed(concept.ancestors)]
        return " > ".join(name(c, lang) for c in above if c is not None)

    @cached_property
    def template_codes(self) -> frozenset[str]:
        return frozenset(p.code for c in self.view.classes.values() for p in c.template)

    def top_levels(self) -> list[Concept]:
        return [c for c in self.view.classes.values() if c.parent is None]

    def types(self, lang: str) -> list[dict[str, str]]:
        """The default types: the top levels of the tree, and standard items where there are any."""
        tops = [{"id": c.code, "name": name(c, lang)} for c in self.top_levels()]
        return tops + ([{"id": ITEM_TYPE, "name": ITEM_TYPE_NAMES[lang]}] if self.view.items else [])

    def types_of(self, concept: Concept, lang: str) -> list[dict[str, str]]:
        if concept.kind == "item":
            parent = self.view.classes.get(concept.parent or "")
            own = [{"id": parent.code, "name": name(parent, lang)}] if parent else []
            return [{"id": ITEM_TYPE, "name": ITEM_TYPE_NAMES[lang]}, *own]
        top = self.view.classes.get(concept.ancestors[-1]) if concept.ancestors else concept
        return [{"id": top.code, "name": name(top, lang)}] if top else []

    def restriction(self, type_id: str | None) -> tuple[Kind | None, str | None]:
        """(kind, class) a query's type restricts candidates to: standard items, or a subtree."""
        if not type_id:
            return None, None
        if type_id == ITEM_TYPE:
            if not self.view.items:
                raise InvalidInput(f"{self.scheme} 没有标准件 / {self.scheme} has no standard items", field="type")
            return "item", None
        if type_id not in self.view.classes:
            raise InvalidInput(f"{self.scheme} 中没有类型 {type_id} / no type {type_id} in {self.scheme}", field="type")
        return "class", type_id

    def within(self, code: str, top: str) -> bool:
        concept = self.view.find(code)
        return concept is not None and (concept.code == top or top in concept.ancestors)

    def template(self, concept: Concept) -> tuple[TemplateProperty, ...]:
        if concept.kind == "item":
            parent = self.view.classes.get(concept.parent or "")
            return parent.template if parent else ()
        return concept.template

    def properties(self, type_id: str | None, lang: str) -> list[dict[str, str]]:
        """What a data extension can fetch for entities of a type: the fixed properties, and the
        template properties of that class (or of every class, without a type)."""
        fixed = [{"id": pid, "name": names[lang]} for pid, names in FIXED_PROPERTIES.items()]
        fixed += [
            {"id": f"mapping.{s}", "name": f"{s} {MAPPING_NAME[lang]}"} for s in MAPPED_SCHEMES if s != self.scheme
        ]
        return fixed + [{"id": f"value.{p.code}", "name": p.label} for p in self._template_properties(type_id)]

    def _template_properties(self, type_id: str | None) -> Iterator[TemplateProperty]:
        seen: set[str] = set()
        if type_id and type_id != ITEM_TYPE and type_id in self.view.classes:
            concepts: list[Concept] = [self.view.classes[type_id]]
        else:
            concepts = [c for c in self.view.classes.values() if c.template]
        for concept in concepts:
            for p in concept.template:
                if p.code not in seen:
                    seen.add(p.code)
                    yield p


FIXED_PROPERTIES = {
    "label.zh-Hans": {"zh-Hans": "名称（简体）", "zh-Hant": "名稱（簡體）", "en": "name (simplified Chinese)"},
    "label.zh-Hant": {"zh-Hans": "名称（繁体）", "zh-Hant": "名稱（繁體）", "en": "name (traditional Chinese)"},
    "label.en": {"zh-Hans": "名称（英文）", "zh-Hant": "名稱（英文）", "en": "name (English)"},
    "path": {"zh-Hans": "分类路径", "zh-Hant": "分類路徑", "en": "class path"},
    "parent": {"zh-Hans": "上级分类", "zh-Hant": "上級分類", "en": "parent class"},
    "status": {"zh-Hans": "状态", "zh-Hant": "狀態", "en": "status"},
    "replacedBy": {"zh-Hans": "替代代码", "zh-Hant": "替代代碼", "en": "replaced by"},
}
MAPPING_NAME = {"zh-Hans": "对应代码", "zh-Hant": "對應代碼", "en": "mapped code"}


def property_name(pid: str, lang: str) -> str:
    if pid in FIXED_PROPERTIES:
        return FIXED_PROPERTIES[pid][lang]
    if pid.startswith("mapping."):
        return f"{pid.removeprefix('mapping.')} {MAPPING_NAME[lang]}"
    return pid.removeprefix("value.")


def values(
    entities: Entities, concept: Concept, pid: str, lang: str, mapped: list[dict[str, str]]
) -> list[dict[str, Any]]:
    """The values of one property of one entity, in the spec's form: `{"str": ...}`, `{"float": ...}`
    or a reference to another entity `{"id": ..., "name": ...}`. `mapped` are the entity's mappings
    (`mappings`), read beforehand for the whole request."""
    if pid.startswith("label."):
        text = dict(concept.labels).get(pid.removeprefix("label."))
        return [{"str": text}] if text else []
    if pid == "path":
        return [{"str": entities.path(concept, lang)}] if concept.ancestors else []
    if pid == "parent":
        parent = entities.view.classes.get(concept.parent or "")
        return [{"id": parent.code, "name": name(parent, lang)}] if parent else []
    if pid == "status":
        return [{"str": concept.status.value}]
    if pid == "replacedBy":
        target = entities.view.find(concept.replaced_by) if concept.replaced_by else None
        return [{"id": target.code, "name": name(target, lang)}] if target else []
    if pid.startswith("mapping."):
        scheme = pid.removeprefix("mapping.")
        return [{"id": m["code"], "name": m["name"]} for m in mapped if m["scheme"] == scheme]
    if pid.startswith("value."):
        return _template_values(entities, concept, pid.removeprefix("value."))
    raise InvalidInput(f"没有属性 {pid} / no property {pid}", field="properties")


def _template_values(entities: Entities, concept: Concept, code: str) -> list[dict[str, Any]]:
    template = {p.code: p for p in entities.template(concept)}
    unit = template[code].unit if code in template else None
    found: list[dict[str, Any]] = []
    for stated in concept.values:
        if stated.property != code:
            continue
        if stated.value is not None:
            allowed = {v.code: v.texts[0] for v in template[code].values} if code in template else {}
            found.append({"str": allowed.get(stated.value, stated.value)})
        elif stated.number is not None:
            number = format_number(stated.number)
            upper = f"-{format_number(stated.max)}" if stated.max is not None else ""
            found.append({"str": f"{number}{upper} {unit.symbol}" if unit else f"{number}{upper}"})
        elif stated.flag is not None:
            found.append({"bool": stated.flag})
    return found


def mappings(store: Store, entities: Entities, codes: list[str], lang: str) -> dict[str, list[dict[str, str]]]:
    """Each class's mappings to other schemes (with the target's code, scheme and name)."""
    classes = [c for c in codes if c in entities.view.classes]
    rows = browse.mappings_of(store, [uid(entities.scheme, c) for c in classes])
    targets = sorted({m.target_uid for found in rows for m in found})
    records = dict(zip(targets, browse.classes_by_uid(store, targets), strict=True))
    mapped: dict[str, list[dict[str, str]]] = {}
    for code, found in zip(classes, rows, strict=True):
        for m in found:
            record = records.get(m.target_uid)
            if record is None:
                continue
            labels = record.concept.labels
            label = {"zh-Hans": labels.zh_hans, "zh-Hant": labels.zh_hant, "en": labels.en}.get(lang) or labels.any()
            mapped.setdefault(code, []).append({"scheme": record.scheme, "code": record.concept.code, "name": label})
    return mapped
