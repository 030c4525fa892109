"""What a text says, in the form the later stages compare: the normalize and extract stages.

A record (the query) and every text of a concept (label, synonym, example, catalog record) are
read the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from matchers.attributes import Attributes, extracted_attributes
from matchers.extract import extract
from matchers.model_numbers import model_numbers
from matchers.record import Record, record_columns, record_text
from matchers.terms import text_terms
from matchers.types import Extraction
from matchers.units import format_number

ATTRIBUTE = "a:"


@dataclass(frozen=True, slots=True)
class Profile:
    text: str  # normalized
    terms: frozenset[str]
    attributes: Attributes
    models: frozenset[str]


@dataclass(frozen=True, slots=True)
class Query:
    """A record read for matching; it looks up its text terms and its attribute terms."""

    profile: Profile
    extraction: Extraction

    @property
    def lookup_terms(self) -> frozenset[str]:
        return self.profile.terms | attribute_terms(self.profile.attributes)


def attribute_terms(attributes: Attributes) -> frozenset[str]:
    terms = set()
    for key, values in attributes.items():
        terms.update(f"{ATTRIBUTE}{key}={v}" for v in values.texts)
        terms.update(f"{ATTRIBUTE}{key}={format_number(round(lo, 2))}" for lo, hi in values.ranges if lo == hi)
    return frozenset(terms)


def read_text(text: str, columns: Mapping[str, str] | None = None) -> tuple[Profile, Extraction]:
    extraction = extract(text, columns)
    normalized = extraction.text
    profile = Profile(
        normalized, frozenset(text_terms(normalized)), extracted_attributes(extraction), model_numbers(extraction)
    )
    return profile, extraction


def read_record(record: Record) -> Query:
    columns = record_columns(record)
    return read_query(record_text(record), tuple(columns.items()))


@lru_cache(maxsize=1 << 14)
def read_query(text: str, columns: tuple[tuple[str, str], ...]) -> Query:
    """Catalogs repeat records (and a record is matched to several schemes): each is read once."""
    return Query(*read_text(text, dict(columns)))
