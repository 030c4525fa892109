"""Attribute values in one vocabulary, the extractor's, so that a record's values can be compared
with a standard item's values, a class template's allowed values or another record's values.

Keys are the extractor's (`thread_size`, `length`, `material` ...); values are its canonical codes
and designations (`M8`, `stainless_304`, `GB/T 5783`), and numbers in its base units (mm, g, ml,
V, W, r/min). A property of the ontology answers to its own code and to the last word of its code
(`nominal_length` to `length`, `product_standard` to `standard`, `rated_power` to `power`).
Enum values are translated by running the extractor over their labels and synonyms: the value
`ss304` with the synonyms `304`, `A2` and `SUS304` reads as `material = stainless_304`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType

from common.units import read_unit, to_base
from matchers.extract import extract, word_alternation
from matchers.notations import BROADER, STANDARD_BODIES
from matchers.snapshot import Concept, SchemeView, StatedValue, TemplateProperty
from matchers.types import NAMING_KEYS, Extraction, Found
from matchers.units import format_number

_TOLERANCE = 0.01  # relative, for numbers
UNCOMPARED_KEYS = frozenset(("model", "thread_pitch", "dn", "size_inch"))
"""Keys left to other features (model numbers) or that repeat another key's value."""
KIND_KEYS = frozenset(("thread_size", "pipe_size", "property_class", "voltage", "power", "speed", "torque"))
"""Keys whose presence says what kind of product a record is: a class whose template has no
property for them is unlikely (a thread size for a hinge). Materials, finishes, lengths and
naming words (六角, 沉头) fit nearly anything."""


def property_keys(code: str) -> tuple[str, str]:
    return code, code.rsplit("_", 1)[-1]


def is_quantity(found: Found) -> bool:
    return found.number is not None and found.value == format_number(found.number)


@dataclass(frozen=True)
class Values:
    """Values of one attribute: codes or designations, and numbers as (low, high) ranges. Empty
    means any value (a template property with no value list)."""

    texts: frozenset[str] = frozenset()
    ranges: tuple[tuple[float, float], ...] = ()

    @property
    def any(self) -> bool:
        return not self.texts and not self.ranges

    def accepts(self, other: Values) -> bool:
        # `any` spelled out: this runs for every value of every candidate of every record
        texts, ranges, their_ranges = self.texts, self.ranges, other.ranges
        if not (texts or ranges) or not (other.texts or their_ranges) or not texts.isdisjoint(other.texts):
            return True
        return bool(ranges and their_ranges) and any(
            lo * (1 - _TOLERANCE) <= x <= hi * (1 + _TOLERANCE) for lo, hi in ranges for x, _ in their_ranges
        )

    @cached_property
    def described(self) -> tuple[str, ...]:
        """The values as text, for explanations (kept: a concept's values are shown again and again)."""
        numbers = [
            format_number(lo) if lo == hi else f"{format_number(lo)}..{format_number(hi)}" for lo, hi in self.ranges
        ]
        return (*sorted(self.texts), *numbers)


Attributes = Mapping[str, Values]
_Pair = tuple[str, str | tuple[float, float]]  # a key and a code, or a key and a (low, high) range
NO_ATTRIBUTES: Attributes = MappingProxyType({})


def _collect(pairs: Iterable[_Pair]) -> dict[str, Values]:
    """The values of each key, the keys in the order first found: what lists them (a result's
    warnings, its checks) then lists them alike in every process (a set's order is the hash seed's)."""
    texts: dict[str, set[str]] = {}
    ranges: dict[str, list[tuple[float, float]]] = {}
    keys: dict[str, None] = {}
    for key, value in pairs:
        keys[key] = None
        if isinstance(value, tuple):
            ranges.setdefault(key, []).append(value)
        else:
            texts.setdefault(key, set()).add(value)
    return {k: Values(frozenset(texts.get(k, ())), tuple(ranges.get(k, ()))) for k in keys}


def _pairs(found: Iterable[Found]) -> Iterator[_Pair]:
    for f in found:
        if f.key not in UNCOMPARED_KEYS:
            yield f.key, (f.number, f.number) if is_quantity(f) and f.number is not None else f.value


def extracted_attributes(extraction: Extraction) -> Attributes:
    return MappingProxyType(_collect(_pairs(extraction.found)))


@dataclass(frozen=True, slots=True)
class ValueLexicon:
    """The enum values of a scheme's templates: in the extractor's vocabulary, by their normalized
    labels and synonyms, and the spellings the extractor does not read (`BZP`, `蓝锌`), longest
    first, for finding them in a record's text."""

    forms: Mapping[tuple[str, str], Attributes]  # (property, value code) -> values it stands for, broader ones too
    codes: Mapping[tuple[str, str, str], str]  # (property, key, extracted value) -> its first value code
    generic: Mapping[str, frozenset[tuple[str, str]]]  # property -> (key, value) broader than some of its values
    texts: Mapping[str, Mapping[str, str]]  # property -> normalized label or synonym -> value code
    unread: Mapping[str, tuple[re.Pattern[str], Mapping[str, str]]]  # property -> (spellings, value codes)

    @classmethod
    def of(cls, concepts: Iterable[Concept]) -> ValueLexicon:
        properties = {p.code: p for c in concepts for p in c.template}
        forms: dict[tuple[str, str], Attributes] = {}
        codes: dict[tuple[str, str, str], str] = {}
        generic: dict[str, frozenset[tuple[str, str]]] = {}
        texts: dict[str, Mapping[str, str]] = {}
        unread: dict[str, tuple[re.Pattern[str], Mapping[str, str]]] = {}
        for p in properties.values():
            keys = property_keys(p.code)
            # head and drive words overlap (六角 is a hex head, and the extractor reads it as a drive):
            # a naming property's value stands for what the extractor reads under any naming key
            readable = keys if NAMING_KEYS.isdisjoint(keys) else (*keys, *NAMING_KEYS)
            by_text: dict[str, str] = {}
            not_read: list[tuple[str, str]] = []
            direct: set[tuple[str, str]] = set()
            broader_only: set[tuple[str, str]] = set()
            for value in p.values:
                found: list[Found] = []
                for text in value.texts:
                    extraction = extract(text)
                    by_text.setdefault(extraction.text, value.code)
                    found.extend(f for f in extraction.found if f.key in readable)
                    if not any(f.key in keys for f in extraction.found) and len(extraction.text) >= 2:
                        not_read.append((extraction.text, value.code))
                read = list(_pairs(found))
                broader = [(key, BROADER[v]) for key, v in read if isinstance(v, str) and v in BROADER]
                forms[p.code, value.code] = MappingProxyType(_collect([*read, *broader]))
                for key, v in read:
                    if isinstance(v, str):
                        codes.setdefault((p.code, key, v), value.code)
                        direct.add((key, v))
                broader_only.update(broader)
            generic[p.code] = frozenset(broader_only - direct)
            texts[p.code] = MappingProxyType(by_text)
            if not_read:
                unread[p.code] = (
                    re.compile(word_alternation(dict.fromkeys(spelling for spelling, _ in not_read))),
                    MappingProxyType(dict(not_read)),
                )
        return cls(
            MappingProxyType(forms),
            MappingProxyType(codes),
            MappingProxyType(generic),
            MappingProxyType(texts),
            MappingProxyType(unread),
        )

    def of_value(self, property: str, value: str) -> Attributes:
        return self.forms.get((property, value), NO_ATTRIBUTES)


def extractor_unit(p: TemplateProperty) -> str | None:
    """The code of the property's unit (`MMT`, `INH`, `VLT` ...) if the extractor reads that unit;
    a scheme's own unit codes are read by their symbol and synonyms (`mm`, `inch`)."""
    if p.unit is None:
        return None
    for spelling in (p.unit.code, p.unit.symbol, *(s.text for s in p.unit.synonyms)):
        known = read_unit(spelling)
        if known is not None and known.text is not None:
            return known.code
    return None


def number_in_base(number: float, p: TemplateProperty) -> float | None:
    """A number in the property's unit, in the extractor's base unit; None if the extractor does
    not read that unit."""
    unit = extractor_unit(p)
    return None if unit is None else to_base(number, unit)[0]


def _stated_pairs(value: StatedValue, p: TemplateProperty, lexicon: ValueLexicon) -> Iterator[_Pair]:
    if value.value is not None:
        for key, values in lexicon.of_value(p.code, value.value).items():
            yield from ((key, text) for text in values.texts)
    elif value.number is not None and (low := number_in_base(value.number, p)) is not None:
        high = number_in_base(value.max, p) if value.max is not None else low
        for key in property_keys(p.code):
            yield key, (low, high if high is not None else low)


def template_attributes(template: Iterable[TemplateProperty], lexicon: ValueLexicon) -> Attributes:
    """What a class allows: per key the union of its properties' allowed values (any value for a
    property without a value list)."""
    allowed: dict[str, Values] = {}
    for p in template:
        if not p.values:
            allowed.update({key: Values() for key in property_keys(p.code)})
            continue
        for value in p.values:
            for key, forms in lexicon.of_value(p.code, value.code).items():
                old = allowed.get(key, Values())
                if key in allowed and old.any:
                    continue
                allowed[key] = Values(old.texts | forms.texts, old.ranges + forms.ranges)
    return MappingProxyType(allowed)


def stated_attributes(concept: Concept, lexicon: ValueLexicon, from_text: Attributes) -> Attributes:
    """What a standard item states: its values, then values read from its labels for keys it does
    not state."""
    by_code = {p.code: p for p in concept.template}
    pairs = [
        pair for v in concept.values if v.property in by_code for pair in _stated_pairs(v, by_code[v.property], lexicon)
    ]
    stated = _collect(pairs)
    return MappingProxyType({**from_text, **stated})


@dataclass(frozen=True, slots=True)
class ValueCheck:
    key: str
    record: Values
    concept: Values
    agrees: bool


@dataclass(frozen=True, slots=True)
class Comparison:
    checks: tuple[ValueCheck, ...] = ()
    foreign: tuple[str, ...] = ()  # record keys the concept's template has no property for


def tally(
    record: Attributes, concept: Attributes, template_keys: frozenset[str] | None
) -> tuple[int, int, int, int, int]:
    """What `compare` finds, counted: (attributes agreeing, conflicting, standards agreeing,
    conflicting, foreign keys). The scorer needs only these for every candidate; the checks
    themselves are built for the few candidates a result shows."""
    agree = conflict = standard_agree = standard_conflict = foreign = 0
    theirs_for = concept.get
    for key, values in record.items():
        theirs = theirs_for(key)
        if theirs is None:
            if template_keys is not None and key in KIND_KEYS and key not in template_keys:
                foreign += 1
        elif key == STANDARD:
            if theirs.accepts(values):
                standard_agree += 1
            else:
                standard_conflict += 1
        elif theirs.accepts(values):
            agree += 1
        else:
            conflict += 1
    return agree, conflict, standard_agree, standard_conflict, foreign


def compare(record: Attributes, concept: Attributes, template_keys: frozenset[str] | None) -> Comparison:
    """Each record value against the concept's values for the same key. `template_keys`: keys the
    concept's class has a property for, or None if it has no template (nothing is foreign then)."""
    checks = tuple(
        ValueCheck(key, values, theirs, theirs.accepts(values))
        for key, values in record.items()
        if (theirs := concept.get(key)) is not None
    )
    return Comparison(checks, foreign_keys(record, concept, template_keys))


def foreign_keys(record: Attributes, concept: Attributes, template_keys: frozenset[str] | None) -> tuple[str, ...]:
    """The record's kind keys (`KIND_KEYS`) that the concept's template has no property for."""
    if template_keys is None:
        return ()
    return tuple(key for key in record if key in KIND_KEYS and key not in concept and key not in template_keys)


STANDARD = "standard"
_MAY_NAME_STANDARD = re.compile(rf"(?:{'|'.join(map(re.escape, STANDARD_BODIES))})\s*\d", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
"""Cheap tests before reading a text for the standards it names (`matchers.extract`): class texts
run to millions of characters (UNSPSC, GPC, HS definitions), and few of them name one."""


def own_standards(view: SchemeView, lexicon: ValueLexicon) -> dict[str, frozenset[str]]:
    """Each class's own product standards, in every spelling the lexicon knows for them: the
    standards its own standard items state, and those its labels, synonyms and definition name
    (`六角头螺栓 全螺纹`: GB/T 5783, DIN 933). Templates only say what a class allows, and a
    generic class allows every standard of its narrower classes; these say what it is."""
    spellings: dict[str, frozenset[str]] = {}
    for (prop, key, text), code in lexicon.codes.items():
        if key == STANDARD:
            spellings.setdefault(text, lexicon.of_value(prop, code)[STANDARD].texts)
    own: dict[str, set[str]] = defaultdict(set)
    for item in view.items.values():
        for v in item.values:
            if v.value is not None and STANDARD in property_keys(v.property) and item.parent is not None:
                own[item.parent].update(lexicon.of_value(v.property, v.value).get(STANDARD, Values()).texts)
    for c in view.classes.values():
        for text in (*c.texts, *c.synonyms, c.definition or ""):
            if _DIGIT.search(text) and _MAY_NAME_STANDARD.search(text):
                for f in extract(text).found:
                    if f.key == STANDARD:
                        own[c.code].update(spellings.get(f.value, (f.value,)))
    return {code: frozenset(texts) for code, texts in own.items()}
