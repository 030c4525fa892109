"""The candidates stage: a short list of concepts for a record, without comparing it to all of them.

`CandidateIndex` is an inverted index over the texts of one scheme's classes, or of its items
(standard items, or the records of a catalog): labels in every language, synonyms, definitions,
confirmed examples, and the attribute values a concept states or its template allows (as terms
`a:key=value`). Each text is a document; a concept's index score is that of its best document:

    score(doc) = norm(doc) * sum of idf(t) over the query terms t in the doc
    idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5))          (N documents, df of them contain t)
    norm(doc) = (k1 + 1) / (1 + k1 * (1 - b + b * len(doc) / average len))   (BM25, tf = 1)

For speed, terms are visited rarest first; once the accumulator holds `size` documents, the more
common terms only add to documents already there, and a term's postings (kept shortest document
first) are read only up to `_SEED_CAP` documents while seeding. Common words then cost little,
and a record still has to share a rarer term with a concept to reach it.

Examples confirmed later are added in place (`add_example`); idf is computed at query time, so it
follows them. Writers must be serialized (the engine holds a lock); readers need no lock.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter

from matchers.attributes import NO_ATTRIBUTES, Attributes, ValueLexicon, stated_attributes, template_attributes
from matchers.normalize import normalize
from matchers.pinyin_query import PinyinReader
from matchers.profile import Profile, attribute_terms, read_text
from matchers.snapshot import Concept, Kind, SchemeView
from matchers.terms import is_chinese_pair, text_terms

K1, B = 1.2, 0.75
_SEED_CAP = 256
_MIN_CODE_LENGTH = 6


@dataclass(frozen=True, slots=True)
class Entry:
    """A concept as the index and the scorer see it. `attributes` are the values it states (an
    item, a record) or allows (a class's template); `template_keys` the keys its template has a
    property for (None without a template)."""

    concept: Concept
    attributes: Attributes
    template_keys: frozenset[str] | None


@dataclass(frozen=True, slots=True)
class Doc:
    entry: int
    source: str  # label, synonym, definition, example, record
    text: str
    profile: Profile
    length: int


@dataclass(frozen=True, slots=True)
class Hit:
    entry: Entry
    doc: Doc
    score: float  # the index score
    replaces: str | None = None  # the deprecated concept whose text matched (see matchers.deprecated)


def idf(documents: int, df: int) -> float:
    return math.log(1.0 + (documents - df + 0.5) / (df + 0.5))


class CandidateIndex:
    def __init__(self, view: SchemeView, kind: Kind, lexicon: ValueLexicon, definitions: bool = True) -> None:
        self.scheme = view.code
        self.kind = kind
        self.entries: list[Entry] = []
        self.docs: list[Doc] = []
        self._lexicon = lexicon
        self._entry_of: dict[str, int] = {}
        self._codes: dict[str, int] = {}
        self._postings: dict[str, list[int]] = {}
        self._large: dict[str, set[int]] = {}
        self._norms: list[float] = []
        self._average_length = 1.0
        examples = []
        for concept in view.concepts(kind).values():
            self._add_concept(concept, definitions)
            examples.extend((concept.code, text) for text in concept.examples)
        self._average_length = sum(d.length for d in self.docs) / max(1, len(self.docs))
        self._norms = [self._norm(d.length) for d in self.docs]
        for postings in self._postings.values():
            postings.sort(key=self._norms.__getitem__, reverse=True)
        self._large = {t: set(p) for t, p in self._postings.items() if len(p) > _SEED_CAP}
        self.pinyin = PinyinReader.of({t: len(p) for t, p in self._postings.items() if is_chinese_pair(t)})
        for code, text in examples:
            self.add_example(code, text)

    def _norm(self, length: int) -> float:
        return (K1 + 1) / (1 + K1 * (1 - B + B * length / self._average_length))

    def _add_concept(self, concept: Concept, definitions: bool) -> None:
        position = len(self.entries)
        texts = [("label", t) for t in concept.texts] + [("synonym", t) for t in concept.synonyms]
        if definitions and concept.definition:
            texts.append(("definition", concept.definition))
        if concept.columns:
            docs = [("record", concept.texts[0], read_text(concept.texts[0], concept.columns)[0])]
        elif concept.kind == "item":
            docs = [(source, text, read_text(text)[0]) for source, text in texts]
        else:
            docs = [(source, text, plain_profile(text)) for source, text in texts]
        self.entries.append(self._entry(concept, docs[0][2] if docs else None))
        self._entry_of[concept.code] = position
        self._codes[concept.code.lower()] = position
        seen: set[str] = set()
        for source, text, profile in docs:
            if profile.text not in seen:
                seen.add(profile.text)
                self._add_doc(position, source, text, profile)

    def _entry(self, concept: Concept, first: Profile | None) -> Entry:
        allowed = template_attributes(concept.template, self._lexicon) if concept.template else None
        if concept.kind == "class":
            attributes = allowed or NO_ATTRIBUTES
        else:
            from_text = first.attributes if first else NO_ATTRIBUTES
            attributes = stated_attributes(concept, self._lexicon, from_text) if concept.values else from_text
        return Entry(concept, attributes, frozenset(allowed) if allowed is not None else None)

    def _add_doc(self, entry: int, source: str, text: str, profile: Profile) -> None:
        """Post a document. During the build, norms, postings order and the large sets are made
        once at the end; afterwards (a confirmed example) they are kept up to date here."""
        position = len(self.docs)
        self.docs.append(Doc(entry, source, text, profile, len(profile.terms)))
        built = bool(self._norms)
        if built:
            self._norms.append(self._norm(len(profile.terms)))
        for term in profile.terms | attribute_terms(self.entries[entry].attributes):
            postings = self._postings.setdefault(term, [])
            postings.append(position)
            if term in self._large:
                self._large[term].add(position)
            elif built and len(postings) > _SEED_CAP:
                self._large[term] = set(postings)

    def add_example(self, code: str, text: str) -> None:
        """Post `text` as a confirmed example of the concept `code` (no rebuild)."""
        self._add_doc(self._entry_of[code], "example", text, read_text(text)[0])

    def entry(self, code: str) -> Entry | None:
        position = self._entry_of.get(code)
        return None if position is None else self.entries[position]

    def idf(self, term: str) -> float:
        postings = self._postings.get(term)
        return idf(len(self.docs), len(postings) if postings else 0)

    def named_codes(self, terms: Iterable[str]) -> list[Entry]:
        """Concepts whose code the record names (codes of six characters or more)."""
        found = (self._codes.get(t.replace(".", "")) for t in terms if len(t) >= _MIN_CODE_LENGTH)
        return [self.entries[e] for e in found if e is not None]

    def search(self, terms: Iterable[str], size: int) -> list[Hit]:
        """The `size` best concepts for the query `terms`, best first."""
        found = [(p, t) for t in terms if (p := self._postings.get(t))]
        found.sort(key=lambda pt: len(pt[0]))
        documents = len(self.docs)
        scores: dict[int, float] = {}
        get = scores.get
        for postings, term in found:
            weight = idf(documents, len(postings))
            if len(postings) <= _SEED_CAP or len(scores) < size:
                for d in postings[:_SEED_CAP]:
                    scores[d] = get(d, 0.0) + weight
            else:
                for d in self._large[term].intersection(scores):
                    scores[d] += weight
        return self._best_concepts(scores, size)

    def _best_concepts(self, scores: dict[int, float], size: int) -> list[Hit]:
        norms, docs = self._norms, self.docs
        best: dict[int, tuple[float, int]] = {}
        for d, raw in sorted(scores.items(), key=itemgetter(1), reverse=True)[: size * 4]:
            score = raw * norms[d]
            entry = docs[d].entry
            if score > best.get(entry, (0.0, 0))[0]:
                best[entry] = (score, d)
        ranked = sorted(best.items(), key=lambda item: item[1][0], reverse=True)[:size]
        return [Hit(self.entries[e], docs[d], score) for e, (score, d) in ranked]


def plain_profile(text: str) -> Profile:
    """A class text needs no attribute extraction: its attributes come from its template."""
    normalized = normalize(text)
    return Profile(normalized, frozenset(text_terms(normalized)), NO_ATTRIBUTES, frozenset())
