"""Mappings from the standard's classes to UNSPSC, GPC and HS (`mappings.csv`)."""

from __future__ import annotations

from ontology.codes import class_code
from ontology.model import Mapping, SkosRelation

from .data import read_csv


def load_mappings() -> list[Mapping]:
    return [
        Mapping(
            from_code=class_code(row["cpms_digits"]),
            to_scheme=row["scheme"],
            to_code=row["code"],
            relation=SkosRelation(row["relation"]),
        )
        for row in read_csv("mappings.csv")
    ]
