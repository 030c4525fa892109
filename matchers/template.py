"""A record's values mapped onto the winning concept's template: property code -> value in the
property's unit, with the required properties the record leaves empty and the values that
conflict with the template's allowed values or with the standard item's values."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from common.units import UnitError, convert
from matchers.attributes import ValueLexicon, extractor_unit, property_keys
from matchers.result import Conflict, PropertyValue
from matchers.snapshot import Concept, TemplateProperty
from matchers.types import TEXT, Extraction, Found
from matchers.units import format_number
from ontology.model import DataType

_TOLERANCE = 0.01


@dataclass(frozen=True, slots=True)
class Filled:
    values: list[PropertyValue]
    missing_required: list[str]
    conflicts: list[Conflict]


def _found_for(p: TemplateProperty, first: dict[str, Found], codes: frozenset[str]) -> Found | None:
    """The record's value for the property's code, else for the last word of its code, unless
    another property of the template has that code (a pair of pliers' `material` is not its
    `handle_material`)."""
    code, last_word = property_keys(p.code)
    return first.get(code) or (first.get(last_word) if last_word not in codes else None)


def _enum_code(p: TemplateProperty, f: Found, lexicon: ValueLexicon) -> str | None:
    code = lexicon.codes.get((p.code, f.key, f.value))
    if code is not None:
        return code
    by_text = lexicon.texts.get(p.code, {})
    return by_text.get(f.text) or by_text.get(f.value.lower())  # f.text is normalized already


def _scan(p: TemplateProperty, text: str, lexicon: ValueLexicon) -> PropertyValue | None:
    """An enum value the extractor does not read (`BZP`, `蓝锌`), named in the record's text."""
    unread = lexicon.unread.get(p.code)
    if unread is None:
        return None
    spellings, codes = unread
    m = spellings.search(text)
    if m is None:
        return None
    return PropertyValue(property=p.code, label=p.label, value=codes[m[0]], text=m[0], source=TEXT)


def _value(p: TemplateProperty, f: Found, lexicon: ValueLexicon) -> PropertyValue | Conflict:
    found = partial(PropertyValue, property=p.code, label=p.label, text=f.text, source=f.source)
    if p.data_type is DataType.enum:
        if not p.values:
            return found(value=f.value)
        code = _enum_code(p, f, lexicon)
        if code is None and (f.key, f.value) in lexicon.generic.get(p.code, ()):
            return found()  # broader than the listed values (不锈钢 for the grades): as it is
        if code is None:
            return Conflict(
                property=p.code, record=f.text, expected=tuple(v.code for v in p.values), reason="not an allowed value"
            )
        return found(value=code)
    if p.data_type in (DataType.number, DataType.range) and f.number is not None:
        unit = extractor_unit(p)
        try:
            number = convert(f.number, f.unit, unit) if f.unit and unit else f.number
        except UnitError:
            return Conflict(property=p.code, record=f.text, expected=(p.unit.code if p.unit else "",), reason="unit")
        return found(number=round(number, 6), unit=p.unit.code if p.unit else None)
    return found(value=f.value)


def _against_item(value: PropertyValue, concept: Concept) -> Conflict | None:
    stated = next((v for v in concept.values if v.property == value.property), None)
    if stated is None:
        return None
    if stated.value is not None and value.value is not None and stated.value != value.value:
        expected = (stated.value,)
    elif stated.number is not None and value.number is not None:
        high = stated.max if stated.max is not None else stated.number
        if stated.number * (1 - _TOLERANCE) <= value.number <= high * (1 + _TOLERANCE):
            return None
        expected = (format_number(stated.number) + (f"..{format_number(high)}" if high != stated.number else ""),)
    else:
        return None
    return Conflict(property=value.property, record=value.text, expected=expected, reason="differs from the item")


def fill(extraction: Extraction, concept: Concept, lexicon: ValueLexicon) -> Filled:
    values: list[PropertyValue] = []
    conflicts: list[Conflict] = []
    first: dict[str, Found] = {}
    for f in extraction.found:
        first.setdefault(f.key, f)
    codes = frozenset(p.code for p in concept.template)
    for p in concept.template:
        found = _found_for(p, first, codes)
        mapped = _value(p, found, lexicon) if found else None
        if mapped is None and p.data_type is DataType.enum and p.values:
            mapped = _scan(p, extraction.text, lexicon)
        if isinstance(mapped, Conflict):
            conflicts.append(mapped)
        elif mapped is not None:
            values.append(mapped)
            if concept.kind == "item" and (conflict := _against_item(mapped, concept)):
                conflicts.append(conflict)
    have = {v.property for v in values} | {c.property for c in conflicts}
    missing = [p.code for p in concept.template if p.required and p.code not in have]
    return Filled(values, missing, conflicts)
