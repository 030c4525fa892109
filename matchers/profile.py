"""What a text says, in the form the later stages compare: the normalize and extract stages.

A record (the query) and every text of a concept (label, synonym, example, catalog record) are
read the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from matchers.attributes import Attributes, extracted_attributes
from matchers.extract import extract
from matchers.heads import Segment, segments
from matchers.model_numbers import model_numbers
from matchers.normalize import normalize
from matchers.opposites import NO_STANCES, Stances, stances
from matchers.record import Record, read_key, split_context
from matchers.terms import text_terms
from matchers.types import Extraction
from matchers.units import format_number
from matchers.wording import light_spans, names_product

ATTRIBUTE = "a:"
CONTEXT = "c:"  # context terms (`matchers.record.record_context`), apart from the text's


@dataclass(frozen=True, slots=True)
class Profile:
    text: str  # normalized
    spaced: str  # `text` with the values it states set apart (see `spaced_text`), for the fuzzy scorers
    terms: frozenset[str]
    name_terms: frozenset[str]  # the terms outside the values it states (the name's); all, for a class text
    attributes: Attributes
    models: frozenset[str]
    context: frozenset[str] = frozenset()  # the terms of its context, each after `CONTEXT`
    light: frozenset[str] = frozenset()  # the terms only its light words and pack counts give
    segments: tuple[Segment, ...] = ()  # its name cut for finding the head noun (`matchers.heads`)
    stances: Stances = NO_STANCES  # what it denies, and which side it takes (`matchers.opposites`)
    names_product: bool = True  # whether it says more than values, light words and placeholders


Key = tuple[Extraction, frozenset[str]]
"""A query's extraction and context terms: all it is read from (`Query.key`)."""


@dataclass(frozen=True, slots=True)
class Query:
    """A record read for matching."""

    profile: Profile
    extraction: Extraction
    lookup_terms: frozenset[str]  # what it looks up: its text terms and its attribute terms

    @property
    def key(self) -> Key:
        """All a query is read from: records read alike (full-width and half-width forms,
        traditional and simplified, more or fewer spaces) are matched alike."""
        return self.extraction, self.profile.context


def attribute_terms(attributes: Attributes) -> frozenset[str]:
    terms: set[str] = set()
    for key, values in attributes.items():
        terms.update(f"{ATTRIBUTE}{key}={v}" for v in values.texts)
        terms.update(f"{ATTRIBUTE}{key}={format_number(round(lo, 2))}" for lo, hi in values.ranges if lo == hi)
    return frozenset(terms)


def read_text(text: str, columns: Mapping[str, str] | None = None, context: str = "") -> tuple[Profile, Extraction]:
    extraction = extract(text, columns)
    normalized = extraction.text
    terms = frozenset(text_terms(normalized))
    light = light_spans(normalized)
    not_name = (*extraction.value_spans, *light)
    profile = Profile(
        normalized,
        spaced_text(normalized, extraction.value_spans),
        terms,
        name_terms(normalized, extraction.value_spans, terms),
        extracted_attributes(extraction),
        model_numbers(extraction),
        context_terms(context),
        terms - name_terms(normalized, light, terms) if light else frozenset(),
        segments(normalized, extraction.value_spans, light),
        stances(normalized),
        names_product(normalized, not_name),
    )
    return profile, extraction


def spaced_text(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """A normalized text with the values at `spans` set apart by spaces: `304不锈钢六角螺栓 m8x30`
    reads as `304 不锈钢 六角螺栓 m8x30`. Chinese runs words together, and the fuzzy scorers compare
    whitespace tokens: without this, `六角螺栓` is not a token of the record, and a record that
    prefixes its material scores far below one that puts it after the name."""
    cuts = sorted({i for span in spans for i in span})
    if not cuts:
        return text
    pieces = [text[start:end] for start, end in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    return " ".join(" ".join(pieces).split())


def name_terms(text: str, spans: tuple[tuple[int, int], ...], terms: frozenset[str]) -> frozenset[str]:
    """The `terms` of a normalized text that lie outside the values at `spans`: those of the pieces
    between them (a term ends where a span begins, as it would at a space)."""
    if not spans:
        return terms
    pieces, at = [], 0
    for start, end in sorted(spans):
        if start < end:
            pieces.append(text[at:start])
            at = max(at, end)
    pieces.append(text[at:])
    return terms & frozenset().union(*map(piece_terms, pieces))


@lru_cache(maxsize=1 << 15)
def piece_terms(piece: str) -> frozenset[str]:
    """Kept: the pieces of a catalog's names between their values repeat (六角头螺栓, 发黑)."""
    return frozenset(text_terms(piece))


def context_terms(context: str) -> frozenset[str]:
    return frozenset(CONTEXT + t for t in text_terms(normalize(context))) if context else frozenset()


def read_example(text: str) -> tuple[str, Profile]:
    """A confirmed example as kept in a snapshot (`matchers.record.example_text`): its text without
    the context, and the text read with the context's terms."""
    text, context = split_context(text)
    return text, read_text(text, context=context)[0]


def read_record(record: Record) -> Query:
    return read_query(*read_key(record))


@lru_cache(maxsize=1 << 14)
def read_query(text: str, columns: tuple[tuple[str, str], ...], context: str) -> Query:
    """Catalogs repeat records (and a record is matched to several schemes): each is read once."""
    profile, extraction = read_text(text, dict(columns), context)
    return Query(profile, extraction, profile.terms | attribute_terms(profile.attributes))
