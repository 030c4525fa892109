"""GS1 GPC (June 2020 publication) from the TSV export of VladimirAlexiev/gs1-gpc.

Each row is `code <TAB> name <TAB> definition (GPC kind)`. The hierarchy file lists every segment,
family, class and brick in depth-first order, so a row's parent is the last row seen one level up
(brick codes are not positional). The exporter lower-cased and singularised names and moved a
trailing "Other" or "Variety Packs" from the name into the definition; that word is put back,
since without it the "other" and "variety pack" bricks of a class carry the same name as the class.

The attribute types and values have no links to bricks, nor to each other, in this export. Each
attribute type becomes an enum property without values, and all attribute values are kept as the
values of one property, `UNLINKED_VALUES`, so that they can still be matched and looked up.
"""

from __future__ import annotations

import re

from ontology.model import ConceptClass, DataType, Labels, Property, Scheme, SchemeBundle, Value

from .source_files import read_lines

LEVELS = {"segment": 1, "family": 2, "class": 3, "brick": 4}
UNLINKED_VALUES = "UNLINKED_VALUES"

_KIND = re.compile(r"^(.*?)\s*\(GPC (\w+)\)$")
_MOVED_SUFFIX = re.compile(r"^(.*?)\s*\b(Other|Variety Packs)$")

SCHEME = Scheme(
    code="GPC",
    name=Labels(zh_hans="GS1全球产品分类", en="GS1 Global Product Classification"),
    version="2020-06",
    source="VladimirAlexiev/gs1-gpc @b01a3c1c (gpc-hier.tsv, gpc-attType.tsv, gpc-attValue.tsv)",
    licence="GS1 GPC terms of use",
    description="Segment, family, class and brick (eight digits each, not positional); attribute types "
    "and values without their brick links.",
    code_pattern=r"^\d{8}$",
)


def load_gpc() -> SchemeBundle:
    return SchemeBundle(scheme=SCHEME, classes=_classes(), properties=_properties())


def _classes() -> list[ConceptClass]:
    classes = []
    last_code_at_level: dict[int, str] = {}
    for code, name, definition, kind in _rows("gpc-hier.tsv"):
        level = LEVELS[kind]
        last_code_at_level[level] = code
        classes.append(
            ConceptClass(
                code=code,
                parent=last_code_at_level[level - 1] if level > 1 else None,
                level=level,
                labels=Labels(en=name),
                definition=Labels(en=definition) if definition else None,
            )
        )
    return classes


def _properties() -> list[Property]:
    types = [
        Property(
            code=code,
            labels=Labels(en=name),
            definition=Labels(en=definition) if definition else None,
            data_type=DataType.enum,
        )
        for code, name, definition, _ in _rows("gpc-attType.tsv")
    ]
    values = [Value(code=code, labels=Labels(en=name)) for code, name, _, _ in _rows("gpc-attValue.tsv")]
    unlinked = Property(
        code=UNLINKED_VALUES,
        labels=Labels(en="GPC attribute values (not linked to attribute types in the source)"),
        data_type=DataType.enum,
        values=values,
    )
    return [*types, unlinked]


def _rows(name: str) -> list[tuple[str, str, str, str]]:
    """(code, name, definition, kind) with the exporter's moved name suffix put back."""
    rows = []
    for line in read_lines(name):
        code, label, rest = line.split("\t")
        match = _KIND.match(rest)
        if match is None:
            raise ValueError(f"{name}: no GPC kind in row {code}")
        definition, kind = match.groups()
        if moved := _MOVED_SUFFIX.match(definition):
            definition, suffix = moved.groups()
            label = f"{label} {suffix.lower()}"
        rows.append((code, label.strip(), definition.strip(), kind))
    return rows
