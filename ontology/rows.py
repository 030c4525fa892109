"""Flat Neo4j property maps from model objects, and model objects back from them.

Neo4j properties cannot hold maps, so labels become `label_zh`, `label_zh_hant`, `label_en`,
synonyms become parallel lists, and an item's values are kept as JSON (plus `HAS_VALUE`
relationships for filtering). Both directions live here so that the export is lossless.
"""

from __future__ import annotations

import json
from typing import Any

from ontology.model import ClassProperty, ConceptClass, Item, ItemValue, Labels, Property, Synonym, Unit, Value

_LABEL_KEYS = (("zh_hans", "zh-Hans"), ("zh_hant", "zh-Hant"), ("en", "en"))


def uid(scheme: str, code: str) -> str:
    return f"{scheme}:{code}"


def labels_props(labels: Labels | None, prefix: str = "label") -> dict[str, str | None]:
    labels = labels or Labels()
    return {f"{prefix}_zh": labels.zh_hans, f"{prefix}_zh_hant": labels.zh_hant, f"{prefix}_en": labels.en}


def labels_from(props: dict[str, Any], prefix: str = "label") -> Labels:
    return Labels(
        **{
            "zh-Hans": props.get(f"{prefix}_zh"),
            "zh-Hant": props.get(f"{prefix}_zh_hant"),
            "en": props.get(f"{prefix}_en"),
        }
    )


def optional_labels_from(props: dict[str, Any], prefix: str) -> Labels | None:
    labels = labels_from(props, prefix)
    return labels if labels.texts() else None


def synonym_props(synonyms: list[Synonym]) -> dict[str, list[str]]:
    return {
        "syn_text": [s.text for s in synonyms],
        "syn_lang": [s.lang for s in synonyms],
        "syn_source": [s.source for s in synonyms],
    }


def synonyms_from(props: dict[str, Any]) -> list[Synonym]:
    texts = props.get("syn_text") or []
    return [
        Synonym(text=t, lang=lang, source=source)
        for t, lang, source in zip(texts, props.get("syn_lang") or [], props.get("syn_source") or [], strict=True)
    ]


def search_text(labels: Labels, synonyms: list[Synonym]) -> str:
    return " | ".join([*labels.texts(), *(s.text for s in synonyms)])


def class_props(scheme: str, c: ConceptClass) -> dict[str, Any]:
    return {
        "uid": uid(scheme, c.code),
        "scheme": scheme,
        "code": c.code,
        "level": c.level,
        "status": c.status.value,
        "replaced_by": c.replaced_by,
        "version": c.version,
        **labels_props(c.labels),
        **labels_props(c.definition, "definition"),
        **synonym_props(c.synonyms),
        "search_text": search_text(c.labels, c.synonyms),
    }


def class_from(props: dict[str, Any], parent: str | None, properties: list[ClassProperty]) -> ConceptClass:
    return ConceptClass(
        code=props["code"],
        parent=parent,
        level=props["level"],
        labels=labels_from(props),
        definition=optional_labels_from(props, "definition"),
        status=props["status"],
        replaced_by=props.get("replaced_by"),
        version=props["version"],
        synonyms=synonyms_from(props),
        properties=properties,
    )


def property_props(scheme: str, p: Property) -> dict[str, Any]:
    return {
        "uid": uid(scheme, p.code),
        "scheme": scheme,
        "code": p.code,
        "data_type": p.data_type.value,
        "unit": p.unit,
        "version": p.version,
        **labels_props(p.labels),
        **labels_props(p.definition, "definition"),
    }


def property_from(props: dict[str, Any], values: list[Value]) -> Property:
    return Property(
        code=props["code"],
        labels=labels_from(props),
        definition=optional_labels_from(props, "definition"),
        data_type=props["data_type"],
        unit=props.get("unit"),
        values=values,
        version=props["version"],
    )


def value_props(scheme: str, property_code: str, v: Value) -> dict[str, Any]:
    return {
        "uid": f"{scheme}:{property_code}:{v.code}",
        "code": v.code,
        "status": v.status.value,
        **labels_props(v.labels),
        **synonym_props(v.synonyms),
    }


def value_from(props: dict[str, Any]) -> Value:
    return Value(code=props["code"], labels=labels_from(props), synonyms=synonyms_from(props), status=props["status"])


def unit_props(u: Unit) -> dict[str, Any]:
    return {
        "code": u.code,
        "symbol": u.symbol,
        "quantity": u.quantity,
        "base": u.base,
        "factor": u.factor,
        "offset": u.offset,
        **labels_props(u.labels),
        **synonym_props(u.synonyms),
    }


def unit_from(props: dict[str, Any]) -> Unit:
    return Unit(
        code=props["code"],
        symbol=props["symbol"],
        labels=labels_from(props),
        quantity=props["quantity"],
        base=props["base"],
        factor=props["factor"],
        offset=props["offset"],
        synonyms=synonyms_from(props),
    )


def item_props(scheme: str, i: Item) -> dict[str, Any]:
    return {
        "uid": uid(scheme, i.code),
        "scheme": scheme,
        "code": i.code,
        "class_code": i.class_code,
        "status": i.status.value,
        "replaced_by": i.replaced_by,
        "version": i.version,
        "values_json": json.dumps([v.model_dump(exclude_none=True) for v in i.values], ensure_ascii=False),
        **labels_props(i.labels),
        **synonym_props(i.synonyms),
        "search_text": search_text(i.labels, i.synonyms),
    }


def item_from(props: dict[str, Any]) -> Item:
    return Item(
        code=props["code"],
        class_code=props["class_code"],
        labels=labels_from(props),
        values=[ItemValue(**v) for v in json.loads(props.get("values_json") or "[]")],
        synonyms=synonyms_from(props),
        status=props["status"],
        replaced_by=props.get("replaced_by"),
        version=props["version"],
    )
