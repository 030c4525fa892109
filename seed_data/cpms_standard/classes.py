"""Classes of the standard (`classes.toml`) with CPMS codes, parents and attribute templates."""

from __future__ import annotations

from typing import Any

from ontology.codes import class_code, level_of, parent_digits
from ontology.model import ClassProperty, ConceptClass, Labels

from .data import read_toml
from .terms import labels, synonyms


def load_classes() -> list[ConceptClass]:
    return [_concept_class(row) for row in read_toml("classes.toml")["class"]]


def _concept_class(row: dict[str, Any]) -> ConceptClass:
    digits = row["digits"]
    parent = parent_digits(digits)
    names = labels(row["zh"], row["en"])
    return ConceptClass(
        code=class_code(digits),
        parent=class_code(parent) if parent else None,
        level=level_of(digits),
        labels=names,
        definition=Labels(en=row["definition"]),
        synonyms=synonyms([*row.get("zh_syn", []), *row.get("en_syn", [])], of=names),
        properties=[
            *(ClassProperty(property=code, required=True) for code in row.get("required", [])),
            *(ClassProperty(property=code) for code in row.get("optional", [])),
        ],
    )
