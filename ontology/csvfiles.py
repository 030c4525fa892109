"""A scheme as a folder of CSV files, one per kind of concept, for spreadsheet editing.

Export writes UTF-8 with a BOM so that Excel opens Chinese text correctly. Import accepts UTF-8
(with or without BOM), GBK and GB18030, and reports every bad row as file:line, field, reason.
Lists inside a row are avoided: synonyms, class properties and item values have files of their own.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from ontology.model import (
    ClassProperty,
    ConceptClass,
    Item,
    ItemValue,
    Labels,
    Mapping,
    Property,
    Scheme,
    SchemeBundle,
    Synonym,
    Unit,
    Value,
)
from ontology.textfile import read_text
from ontology.validate import ImportRejected, Problem, check_bundle

T = TypeVar("T")

LABELS = ["label_zh", "label_zh_hant", "label_en"]
DEFINITIONS = ["definition_zh", "definition_zh_hant", "definition_en"]
FILES: dict[str, list[str]] = {
    "scheme.csv": [
        "code",
        "version",
        "name_zh",
        "name_zh_hant",
        "name_en",
        "source",
        "licence",
        "description",
        "code_pattern",
    ],
    "units.csv": ["code", "symbol", "quantity", "base", "factor", "offset", *LABELS],
    "properties.csv": ["code", "data_type", "unit", "version", *LABELS, *DEFINITIONS],
    "values.csv": ["property", "code", "status", *LABELS],
    "classes.csv": ["code", "parent", "level", "status", "replaced_by", "version", *LABELS, *DEFINITIONS],
    "class_properties.csv": ["class", "property", "required"],
    "items.csv": ["code", "class", "status", "replaced_by", "version", *LABELS],
    "item_values.csv": ["item", "property", "value", "number", "max", "flag"],
    "synonyms.csv": ["owner_kind", "owner", "property", "text", "lang", "source"],
    "mappings.csv": ["from_code", "to_scheme", "to_code", "relation", "source"],
}


def _labels_row(labels: Labels | None, prefix: str = "label") -> dict[str, str | None]:
    labels = labels or Labels()
    return {f"{prefix}_zh": labels.zh_hans, f"{prefix}_zh_hant": labels.zh_hant, f"{prefix}_en": labels.en}


def _labels(row: dict[str, str], prefix: str = "label") -> Labels:
    return Labels(
        **{
            "zh-Hans": row.get(f"{prefix}_zh") or None,
            "zh-Hant": row.get(f"{prefix}_zh_hant") or None,
            "en": row.get(f"{prefix}_en") or None,
        }
    )


def _optional_labels(row: dict[str, str], prefix: str) -> Labels | None:
    labels = _labels(row, prefix)
    return labels if labels.texts() else None


def _syn_rows(kind: str, owner: str, synonyms: list[Synonym], prop: str = "") -> list[dict[str, Any]]:
    return [
        {"owner_kind": kind, "owner": owner, "property": prop, "text": s.text, "lang": s.lang, "source": s.source}
        for s in synonyms
    ]


def bundle_rows(bundle: SchemeBundle) -> dict[str, list[dict[str, Any]]]:
    s = bundle.scheme
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in FILES}
    rows["scheme.csv"].append(
        {
            "code": s.code,
            "version": s.version,
            "name_zh": s.name.zh_hans,
            "name_zh_hant": s.name.zh_hant,
            "name_en": s.name.en,
            "source": s.source,
            "licence": s.licence,
            "description": s.description,
            "code_pattern": s.code_pattern,
        }
    )
    for u in bundle.units:
        rows["units.csv"].append(
            {
                "code": u.code,
                "symbol": u.symbol,
                "quantity": u.quantity,
                "base": u.base,
                "factor": repr(u.factor),
                "offset": repr(u.offset),
                **_labels_row(u.labels),
            }
        )
        rows["synonyms.csv"] += _syn_rows("unit", u.code, u.synonyms)
    for p in bundle.properties:
        rows["properties.csv"].append(
            {
                "code": p.code,
                "data_type": p.data_type.value,
                "unit": p.unit,
                "version": p.version,
                **_labels_row(p.labels),
                **_labels_row(p.definition, "definition"),
            }
        )
        for v in p.values:
            rows["values.csv"].append(
                {"property": p.code, "code": v.code, "status": v.status.value, **_labels_row(v.labels)}
            )
            rows["synonyms.csv"] += _syn_rows("value", v.code, v.synonyms, p.code)
    for c in bundle.classes:
        rows["classes.csv"].append(
            {
                "code": c.code,
                "parent": c.parent,
                "level": c.level,
                "status": c.status.value,
                "replaced_by": c.replaced_by,
                "version": c.version,
                **_labels_row(c.labels),
                **_labels_row(c.definition, "definition"),
            }
        )
        rows["class_properties.csv"] += [
            {"class": c.code, "property": cp.property, "required": str(cp.required).lower()} for cp in c.properties
        ]
        rows["synonyms.csv"] += _syn_rows("class", c.code, c.synonyms)
    for i in bundle.items:
        rows["items.csv"].append(
            {
                "code": i.code,
                "class": i.class_code,
                "status": i.status.value,
                "replaced_by": i.replaced_by,
                "version": i.version,
                **_labels_row(i.labels),
            }
        )
        rows["item_values.csv"] += [
            {
                "item": i.code,
                "property": v.property,
                "value": v.value,
                "number": None if v.number is None else repr(v.number),
                "max": None if v.max is None else repr(v.max),
                "flag": None if v.flag is None else str(v.flag).lower(),
            }
            for v in i.values
        ]
        rows["synonyms.csv"] += _syn_rows("item", i.code, i.synonyms)
    rows["mappings.csv"] = [
        {
            "from_code": m.from_code,
            "to_scheme": m.to_scheme,
            "to_code": m.to_code,
            "relation": m.relation.value,
            "source": m.source,
        }
        for m in bundle.mappings
    ]
    return rows


def write_csv_folder(folder: Path, bundle: SchemeBundle) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in bundle_rows(bundle).items():
        path = folder / name
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=FILES[name])
            writer.writeheader()
            writer.writerows(rows)
        written.append(path)
    return written


class _Reader:
    """Reads the folder's files, keeping each row's file:line and collecting every problem."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[Problem] = []

    def rows(self, name: str) -> list[tuple[str, dict[str, str]]]:
        path = self.folder / name
        if not path.exists():
            if name == "scheme.csv":
                self.problems.append(Problem(location=name, field="(file)", reason="missing: it names the scheme"))
            return []
        try:
            text, _ = read_text(path)
        except ImportRejected as exc:
            self.problems += exc.problems
            return []
        reader = csv.DictReader(io.StringIO(text, newline=""))
        unknown = set(reader.fieldnames or []) - set(FILES[name])
        if unknown:
            self.problems.append(
                Problem(
                    location=f"{name}:1",
                    field=", ".join(sorted(unknown)),
                    reason=f"unknown column; expected {', '.join(FILES[name])}",
                )
            )
        result = []
        for row in reader:
            where = f"{name}:{reader.line_num}"
            if None in row:
                self.problems.append(Problem(location=where, field="(row)", reason="more cells than columns"))
                continue
            result.append((where, {k: (v or "").strip() for k, v in row.items() if k}))
        return result

    def build(self, where: str, model: type[T], fields: dict[str, Any]) -> T | None:
        try:
            return model(**fields)
        except ValidationError as exc:
            for error in exc.errors():
                field = ".".join(str(p) for p in error["loc"]) or "(row)"
                self.problems.append(Problem(location=where, field=field, reason=error["msg"]))
            return None

    def collect(
        self, name: str, model: type[T], fields: Callable[[dict[str, str]], dict[str, Any]]
    ) -> tuple[list[T], list[str]]:
        """The file's rows as models, and the file:line each came from (bad rows are reported)."""
        built, lines = [], []
        for where, row in self.rows(name):
            obj = self.build(where, model, fields(row))
            if obj is not None:
                built.append(obj)
                lines.append(where)
        return built, lines

    def grouped(
        self,
        name: str,
        model: type[T],
        key: Callable[[dict[str, str]], Hashable],
        fields: Callable[[dict[str, str]], dict[str, Any]],
    ) -> defaultdict[Any, list[T]]:
        """The file's rows as models, grouped by what they belong to (a class, an item, a property)."""
        groups: defaultdict[Any, list[T]] = defaultdict(list)
        for where, row in self.rows(name):
            obj = self.build(where, model, fields(row))
            if obj is not None:
                groups[key(row)].append(obj)
        return groups


def _none(value: str) -> str | None:
    return value or None


def read_csv_folder(folder: Path) -> SchemeBundle:
    """Build a bundle from a CSV folder; raises ImportRejected naming every bad row (file:line)."""
    r = _Reader(folder)
    synonyms = _synonyms(r)
    schemes, _ = _schemes(r)
    units, _ = _units(r, synonyms)
    properties, property_lines = _properties(r, synonyms)
    classes, class_lines = _classes(r, synonyms)
    items, item_lines = _items(r, synonyms)
    mappings, mapping_lines = _mappings(r)
    if r.problems or not schemes:
        raise ImportRejected(r.problems)
    bundle = SchemeBundle(
        scheme=schemes[0], units=units, properties=properties, classes=classes, items=items, mappings=mappings
    )
    lines = {"classes": class_lines, "items": item_lines, "mappings": mapping_lines, "properties": property_lines}
    problems = check_bundle(bundle, lambda collection, n, code: f"{lines[collection][n]} ({code})")
    if problems:
        raise ImportRejected(problems)
    return bundle


Synonyms = defaultdict[Any, list[Synonym]]
"""Synonyms by their owner: (kind, property, code)."""


def _synonyms(r: _Reader) -> Synonyms:
    return r.grouped(
        "synonyms.csv",
        Synonym,
        lambda row: (row.get("owner_kind", ""), row.get("property", ""), row.get("owner", "")),
        lambda row: {
            "text": row.get("text", ""),
            "lang": row.get("lang") or "zh-Hans",
            "source": row.get("source") or "cpms",
        },
    )


def _schemes(r: _Reader) -> tuple[list[Scheme], list[str]]:
    return r.collect(
        "scheme.csv",
        Scheme,
        lambda row: {
            "code": row.get("code", ""),
            "version": row.get("version", ""),
            "name": Labels(
                **{
                    "zh-Hans": _none(row.get("name_zh", "")),
                    "zh-Hant": _none(row.get("name_zh_hant", "")),
                    "en": _none(row.get("name_en", "")),
                }
            ),  # fmt: skip
            "source": row.get("source", ""),
            "licence": row.get("licence", ""),
            "description": _none(row.get("description", "")),
            "code_pattern": _none(row.get("code_pattern", "")),
        },
    )


def _units(r: _Reader, synonyms: Synonyms) -> tuple[list[Unit], list[str]]:
    return r.collect(
        "units.csv",
        Unit,
        lambda row: {
            "code": row.get("code"),
            "symbol": row.get("symbol"),
            "quantity": row.get("quantity"),
            "base": row.get("base"),
            "factor": row.get("factor"),
            "offset": row.get("offset") or 0,
            "labels": _labels(row),
            "synonyms": synonyms[("unit", "", row.get("code", ""))],
        },
    )


def _properties(r: _Reader, synonyms: Synonyms) -> tuple[list[Property], list[str]]:
    """The properties with their allowed values."""
    values = r.grouped(
        "values.csv",
        Value,
        lambda row: row.get("property", ""),
        lambda row: {
            "code": row.get("code"),
            "status": row.get("status") or "active",
            "labels": _labels(row),
            "synonyms": synonyms[("value", row.get("property", ""), row.get("code", ""))],
        },
    )
    return r.collect(
        "properties.csv",
        Property,
        lambda row: {
            "code": row.get("code"),
            "data_type": row.get("data_type"),
            "unit": _none(row.get("unit", "")),
            "version": row.get("version") or 1,
            "labels": _labels(row),
            "definition": _optional_labels(row, "definition"),
            "values": values[row.get("code", "")],
        },
    )


def _classes(r: _Reader, synonyms: Synonyms) -> tuple[list[ConceptClass], list[str]]:
    """The classes with their attached properties."""
    class_props = r.grouped(
        "class_properties.csv",
        ClassProperty,
        lambda row: row.get("class", ""),
        lambda row: {"property": row.get("property"), "required": row.get("required") or False},
    )
    return r.collect(
        "classes.csv",
        ConceptClass,
        lambda row: {
            "code": row.get("code"),
            "parent": _none(row.get("parent", "")),
            "level": row.get("level"),
            "status": row.get("status") or "active",
            "replaced_by": _none(row.get("replaced_by", "")),
            "version": row.get("version") or 1,
            "labels": _labels(row),
            "definition": _optional_labels(row, "definition"),
            "synonyms": synonyms[("class", "", row.get("code", ""))],
            "properties": class_props[row.get("code", "")],
        },
    )


def _items(r: _Reader, synonyms: Synonyms) -> tuple[list[Item], list[str]]:
    """The standard items with their values."""
    item_values = r.grouped(
        "item_values.csv",
        ItemValue,
        lambda row: row.get("item", ""),
        lambda row: {
            "property": row.get("property"),
            "value": _none(row.get("value", "")),
            "number": _none(row.get("number", "")),
            "max": _none(row.get("max", "")),
            "flag": _none(row.get("flag", "")),
        },
    )
    return r.collect(
        "items.csv",
        Item,
        lambda row: {
            "code": row.get("code"),
            "class_code": row.get("class"),
            "status": row.get("status") or "active",
            "replaced_by": _none(row.get("replaced_by", "")),
            "version": row.get("version") or 1,
            "labels": _labels(row),
            "values": item_values[row.get("code", "")],
            "synonyms": synonyms[("item", "", row.get("code", ""))],
        },
    )


def _mappings(r: _Reader) -> tuple[list[Mapping], list[str]]:
    return r.collect(
        "mappings.csv",
        Mapping,
        lambda row: {
            "from_code": row.get("from_code"),
            "to_scheme": row.get("to_scheme"),
            "to_code": row.get("to_code"),
            "relation": row.get("relation"),
            "source": row.get("source") or "cpms",
        },
    )
