"""An immutable in-memory view of the ontology for matching, built from `SchemeBundle`s.

Per scheme it holds the concepts a record can match: classes and standard items, or the records
of a plain catalog (`Snapshot.from_records`). Each concept carries its texts in every language,
synonyms, ancestors, inherited property template, status and replacement, and confirmed examples.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from common.errors import UnknownScheme
from matchers.record import Record, example_text, record_columns, record_text
from ontology.model import ConceptClass, DataType, Item, Labels, Property, SchemeBundle, Status, Unit

Kind = Literal["class", "item"]
RECORD = "record"
"""The language of a catalog record's text: not known."""


@dataclass(frozen=True, slots=True)
class AllowedValue:
    code: str
    texts: tuple[str, ...]  # labels in every language, then synonyms


@dataclass(frozen=True, slots=True)
class TemplateProperty:
    code: str
    label: str
    data_type: DataType
    unit: Unit | None
    required: bool
    values: tuple[AllowedValue, ...]


@dataclass(frozen=True, slots=True)
class StatedValue:
    """A standard item's value of one property (see `ontology.model.ItemValue`)."""

    property: str
    value: str | None = None
    number: float | None = None
    max: float | None = None
    flag: bool | None = None


_NO_COLUMNS: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True, kw_only=True)
class Concept:
    scheme: str
    code: str
    kind: Kind
    label: str
    level: int | None = None  # a class's depth, 1 at the top
    labels: tuple[tuple[str, str], ...]  # (language, label) in every language the ontology keeps
    synonyms: tuple[str, ...] = ()
    definition: str | None = None
    parent: str | None = None  # a class's parent; an item's class
    ancestors: tuple[str, ...] = ()  # classes above, nearest first (for an item: its class first)
    status: Status = Status.active
    replaced_by: str | None = None
    template: tuple[TemplateProperty, ...] = ()
    values: tuple[StatedValue, ...] = ()  # a standard item's values
    columns: Mapping[str, str] = field(default_factory=lambda: _NO_COLUMNS)  # a catalog record's columns
    examples: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return self.status is not Status.deprecated

    @property
    def texts(self) -> tuple[str, ...]:
        """The labels to match: normalization turns traditional Chinese into simplified, so a
        traditional label adds nothing to a simplified one."""
        languages = {language for language, _ in self.labels}
        skip = "zh-Hant" if "zh-Hans" in languages else None
        return tuple(text for language, text in self.labels if language != skip)


@dataclass(frozen=True, slots=True)
class SchemeView:
    code: str
    classes: Mapping[str, Concept]
    items: Mapping[str, Concept]
    target_precision: float | None = None  # asked of `auto` decisions (`matchers.calibration`)

    def concepts(self, kind: Kind) -> Mapping[str, Concept]:
        return self.classes if kind == "class" else self.items

    def examples(self, kind: Kind) -> list[tuple[str, str]]:
        """The (code, text) examples of the active concepts of a kind."""
        return [(c.code, text) for c in self.concepts(kind).values() if c.active for text in c.examples]

    def with_examples(self, kind: Kind, examples: Mapping[str, Iterable[str]]) -> SchemeView:
        """The view with these examples, by concept code, in place of those of its concepts of `kind`."""
        concepts = {code: replace(c, examples=tuple(examples.get(code, ()))) for code, c in self.concepts(kind).items()}
        changed = MappingProxyType(concepts)
        return replace(self, classes=changed) if kind == "class" else replace(self, items=changed)

    def find(self, code: str) -> Concept | None:
        return self.classes.get(code) or self.items.get(code)

    @property
    def default_kind(self) -> Kind:
        """What a record of this scheme is matched to unless a call says: its classes, or its
        items when it has none (a catalog of records)."""
        return "class" if self.classes else "item"


Examples = Mapping[tuple[str, str], Iterable[Record]]
"""Confirmed examples: (scheme, concept code) -> records."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    schemes: Mapping[str, SchemeView]

    @classmethod
    def from_bundles(cls, bundles: Iterable[SchemeBundle], examples: Examples | None = None) -> Snapshot:
        texts = {key: tuple(example_text(r) for r in records) for key, records in (examples or {}).items()}
        views = {}
        for bundle in bundles:
            view = _scheme_view(bundle, texts)
            views[view.code] = view
        return cls(MappingProxyType(views))

    @classmethod
    def from_file(cls, path: str | Path, examples: Examples | None = None) -> Snapshot:
        """From a JSON export: a list of `SchemeBundle` objects, or one bundle."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        bundles = [SchemeBundle.model_validate(b) for b in (data if isinstance(data, list) else [data])]
        return cls.from_bundles(bundles, examples)

    @classmethod
    def from_records(cls, records: Iterable[Record], scheme: str = "CATALOG", id_column: str = "id") -> Snapshot:
        """A snapshot of one plain catalog whose records are the items to match against; a record's
        code is its `id_column`, or its position."""
        items = {}
        for position, record in enumerate(records):
            columns = record_columns(record)
            code = str(record.get(id_column, position)) if isinstance(record, Mapping) else str(position)
            text = record_text(record)
            items[code] = Concept(
                scheme=scheme,
                code=code,
                kind="item",
                label=text,
                labels=((RECORD, text),),
                columns=MappingProxyType(columns),
            )
        return cls(MappingProxyType({scheme: SchemeView(scheme, MappingProxyType({}), MappingProxyType(items))}))

    def scheme(self, code: str) -> SchemeView:
        try:
            return self.schemes[code]
        except KeyError:
            raise UnknownScheme(code, tuple(self.schemes)) from None

    def with_examples(self, added: Iterable[tuple[str, str, str]]) -> Snapshot:
        """The snapshot with these (scheme, code, text) examples added to their concepts, where the
        concept is there, active, and does not hold the text already."""
        by_concept: dict[tuple[str, str], list[str]] = {}
        for scheme, code, text in added:
            view = self.schemes.get(scheme)
            concept = view.find(code) if view else None
            if concept is not None and concept.active and text not in concept.examples:
                texts = by_concept.setdefault((scheme, code), [])
                if text not in texts:
                    texts.append(text)
        views = dict(self.schemes)
        for scheme in sorted({s for s, _ in by_concept}):
            view = views[scheme]
            for kind in ("class", "item"):
                concepts = view.concepts(kind)
                if any((scheme, code) in by_concept for code in concepts):
                    view = view.with_examples(
                        kind, {code: (*c.examples, *by_concept.get((scheme, code), ())) for code, c in concepts.items()}
                    )
            views[scheme] = view
        return Snapshot(MappingProxyType(views))


def _scheme_view(bundle: SchemeBundle, examples: Mapping[tuple[str, str], tuple[str, ...]]) -> SchemeView:
    scheme = bundle.scheme.code
    units = {u.code: u for u in bundle.units}
    properties = {p.code: p for p in bundle.properties}
    by_code = {c.code: c for c in bundle.classes}
    templates: dict[str, tuple[TemplateProperty, ...]] = {}

    def template(code: str | None) -> tuple[TemplateProperty, ...]:
        if code is None or code not in by_code:
            return ()
        if code not in templates:
            templates[code] = ()  # a cycle in the parents ends here
            own = {p.property: p.required for p in by_code[code].properties}
            inherited = tuple(t for t in template(by_code[code].parent) if t.code not in own)
            templates[code] = inherited + tuple(
                _template_property(properties[p], units, required) for p, required in own.items() if p in properties
            )
        return templates[code]

    def ancestors(code: str | None) -> tuple[str, ...]:
        chain: list[str] = []
        while code is not None and code in by_code and code not in chain:
            chain.append(code)
            code = by_code[code].parent
        return tuple(chain)

    classes = {
        c.code: _class_concept(scheme, c, ancestors(c.parent), template(c.code), examples.get((scheme, c.code), ()))
        for c in bundle.classes
    }
    items = {
        i.code: _item_concept(
            scheme, i, ancestors(i.class_code), template(i.class_code), examples.get((scheme, i.code), ())
        )
        for i in bundle.items
    }
    return SchemeView(scheme, MappingProxyType(classes), MappingProxyType(items), bundle.scheme.target_precision)


def _template_property(p: Property, units: Mapping[str, Unit], required: bool) -> TemplateProperty:
    values = tuple(
        AllowedValue(v.code, tuple(dict.fromkeys([*v.labels.texts(), *(s.text for s in v.synonyms)])))
        for v in p.values
        if v.status is not Status.deprecated
    )
    unit = units.get(p.unit) if p.unit else None
    return TemplateProperty(p.code, p.labels.any(), p.data_type, unit, required, values)


def _labels(labels: Labels) -> tuple[tuple[str, str], ...]:
    in_languages = (("zh-Hans", labels.zh_hans), ("zh-Hant", labels.zh_hant), ("en", labels.en))
    return tuple((language, text) for language, text in in_languages if text)


def _class_concept(
    scheme: str,
    c: ConceptClass,
    ancestors: tuple[str, ...],
    template: tuple[TemplateProperty, ...],
    examples: tuple[str, ...],
) -> Concept:
    return Concept(
        scheme=scheme,
        code=c.code,
        kind="class",
        label=c.labels.any(),
        level=c.level,
        labels=_labels(c.labels),
        synonyms=tuple(s.text for s in c.synonyms),
        definition=c.definition.any() if c.definition else None,
        parent=c.parent,
        ancestors=ancestors,
        status=c.status,
        replaced_by=c.replaced_by,
        template=template,
        examples=examples,
    )


def _item_concept(
    scheme: str, i: Item, ancestors: tuple[str, ...], template: tuple[TemplateProperty, ...], examples: tuple[str, ...]
) -> Concept:
    return Concept(
        scheme=scheme,
        code=i.code,
        kind="item",
        label=i.labels.any(),
        labels=_labels(i.labels),
        synonyms=tuple(s.text for s in i.synonyms),
        parent=i.class_code,
        ancestors=ancestors,
        status=i.status,
        replaced_by=i.replaced_by,
        template=template,
        values=tuple(StatedValue(v.property, v.value, v.number, v.max, v.flag) for v in i.values),
        examples=examples,
    )
