"""The head-noun, negation and opposite test set (`benchmarks/head_negation.toml`): its small
scheme of paired products, and its cases, each a record with its right class code or `none`."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from ontology.model import ConceptClass, Labels, Scheme, SchemeBundle, Synonym

DATA = Path(__file__).with_name("head_negation.toml")
NONE = "none"
PAIRS = Scheme(
    code="PAIRS",
    name=Labels(en="Paired hardware products (benchmark)"),
    version="1",
    source="benchmarks/head_negation.toml",
    licence="Apache-2.0",
)


@dataclass(frozen=True)
class Case:
    scheme: str
    record: str
    truth: str  # a class code, or `NONE`


def _synonym(text: str) -> Synonym:
    return Synonym(text=text, lang="en" if text.isascii() else "zh-Hans")


def load() -> tuple[SchemeBundle, list[Case]]:
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    classes = [
        ConceptClass(
            code=c["code"],
            level=1,
            labels=Labels(zh_hans=c["zh"], en=c["en"]),
            synonyms=[_synonym(s) for s in c.get("syn", [])],
        )
        for c in data["class"]
    ]
    cases = [Case(group["scheme"], record, truth) for group in data["case"] for record, truth in group["records"]]
    return SchemeBundle(scheme=PAIRS, classes=classes), cases
