"""The candidates stage: a short list of concepts for a record, without comparing it to all of them.

`CandidateIndex` is an inverted index over the texts of one scheme's classes, or of its items
(standard items, or the records of a catalog): labels in every language, synonyms, definitions,
confirmed examples, and the attribute values a concept states or its template allows (as terms
`a:key=value`). Each text is a document; a concept's index score is that of its best document:

    score(doc) = norm(doc) * sum of idf(t) over the query terms t in the doc
    idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5))          (N documents, df of them contain t)
    norm(doc) = (k1 + 1) / (1 + k1 * (1 - b + b * len(doc) / average len))   (BM25, tf = 1)

For speed, terms are visited rarest first, and only their first `_BUDGET` postings in all (kept
shortest document first) can bring a document in; the more common terms after them only add to
the documents brought in. Common words then cost little, and a record still has to share one of
its rarer terms with a concept to reach it. The sums run in numpy over arrays of postings.

Confirmed examples also teach the index's `classifier` (`matchers.classifier`), which weighs all of
a concept's examples at once. Examples confirmed later are added in place (`add_example`); idf is
computed at query time, so it follows them. Writers must be serialized (the engine holds a lock); readers need no lock.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from matchers.attributes import (
    NO_ATTRIBUTES,
    Attributes,
    ValueLexicon,
    own_standards,
    stated_attributes,
    template_attributes,
)
from matchers.classifier import ExampleClassifier
from matchers.extract import word_spans
from matchers.heads import NO_HEADS, Heads, NameIndex, Segment
from matchers.normalize import normalize
from matchers.opposites import Stances, stances
from matchers.pinyin_query import PinyinReader
from matchers.profile import Profile, attribute_terms, read_example, read_text, spaced_text
from matchers.snapshot import Concept, Kind, SchemeView
from matchers.terms import is_chinese_pair, text_terms

K1, B = 1.2, 0.75
_BUDGET = 1024
_COMMON = 256  # postings beyond which a term is looked up in a mask
_WINDOW = 40
_ALTERNATE = 0.7
_PARTITION = 256  # documents beyond which the best ones are partitioned out before sorting
_DENSE = 32  # documents per posting up to which the postings are summed over all documents
_MIN_CODE_LENGTH = 6
SPREAD = 8
"""Concepts whose confirmed examples have a word, from which on it is evidence for none of them."""


@dataclass(frozen=True, slots=True)
class Entry:
    """A concept as the index and the scorer see it. `attributes` are the values it states (an
    item, a record) or allows (a class's template); `template_keys` the keys its template has a
    property for (None without a template); for a class, `standards` are its own product standards
    and `narrower_standards` those of its narrower classes that are not its own (see
    `matchers.attributes.own_standards`)."""

    concept: Concept
    attributes: Attributes
    template_keys: frozenset[str] | None
    models: frozenset[str]  # model numbers in its first text
    attribute_terms: frozenset[str]
    terms: frozenset[str]  # of all its texts but examples
    name_terms: frozenset[str]  # of its labels and synonyms (a definition also names related things)
    standards: frozenset[str] = frozenset()
    narrower_standards: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Doc:
    position: int
    entry: int
    source: str  # label, synonym, definition, example, record
    text: str
    profile: Profile
    length: int


@dataclass(frozen=True, slots=True)
class Postings:
    """The documents that contain a term, twice: shortest first (the order in which they may
    bring themselves in) and by number (to look documents up in); for a common term, also as a
    mask over all documents (one more, always False, for documents numbered after it was made)."""

    by_norm: np.ndarray
    by_id: np.ndarray
    size: int
    mask: np.ndarray | None = None

    @classmethod
    def of(cls, documents: Sequence[int], norms: np.ndarray) -> Postings:
        by_norm = np.array(documents, dtype=np.int32)
        by_norm = by_norm[np.argsort(-norms[by_norm], kind="stable")]
        return cls._with_mask(by_norm, np.sort(by_norm), len(norms))

    @classmethod
    def _with_mask(cls, by_norm: np.ndarray, by_id: np.ndarray, documents: int) -> Postings:
        mask = None
        if len(by_id) > _COMMON:
            mask = np.zeros(documents + 1, dtype=bool)
            mask[by_id] = True
        return cls(by_norm, by_id, len(by_id), mask)

    def plus(self, document: int) -> Postings:
        """With a new document, numbered after all others (so `by_id` stays sorted)."""
        return Postings._with_mask(np.append(self.by_norm, document), np.append(self.by_id, document), document + 1)

    def contains(self, ids: np.ndarray) -> np.ndarray:
        """Whether each of the sorted document numbers `ids` is among these."""
        if self.mask is not None:
            return self.mask.take(ids, mode="clip")
        at = np.searchsorted(self.by_id, ids).clip(max=self.size - 1)
        return self.by_id[at] == ids


@dataclass(slots=True)
class Hit:
    """A candidate from the index. Not frozen, though never changed: a frozen dataclass costs several
    times as much to build, and every record builds a dozen or more (`dataclasses.replace` makes new ones)."""

    entry: Entry
    doc: Doc
    score: float  # the index score of its best document
    support: float = 0.0  # the index scores of all its documents among the best ones, over the best score
    replaces: str | None = None  # the deprecated concept whose text matched (see matchers.deprecated)
    narrower: Entry | None = None  # the narrower concept whose text matched (see matchers.levels)
    alternates: tuple[Doc, ...] = ()  # its other documents that matched nearly as well (see _best_concepts)

    @property
    def matched(self) -> Entry:
        """The concept whose values the record is compared with: the narrower one that matched
        when matching to a level, else the candidate."""
        return self.narrower or self.entry


def best_per_concept(hits: Iterable[Hit]) -> list[Hit]:
    """One hit per concept: its best, with the support of all; best first."""
    best: dict[str, Hit] = {}
    for hit in hits:
        code = hit.entry.concept.code
        other = best.get(code)
        if other is None:
            best[code] = hit
        else:
            better = hit if hit.score > other.score else other
            best[code] = replace(better, support=hit.support + other.support)
    return sorted(best.values(), key=lambda h: (-h.score, h.entry.concept.code))


@lru_cache(maxsize=1 << 16)
def idf(documents: int, df: int) -> float:
    """Kept: each record looks up thirty or more, and a cached one costs a third of working it out."""
    return math.log(1.0 + (documents - df + 0.5) / (df + 0.5))


NEAREST_CHARS = 64


class CandidateIndex:
    def __init__(self, view: SchemeView, kind: Kind, lexicon: ValueLexicon, definitions: bool = True) -> None:
        self.scheme = view.code
        self.kind = kind
        self.entries: list[Entry] = []
        self.docs: list[Doc] = []
        self._lexicon = lexicon
        self._templates: dict[str | None, Attributes] = {}
        self._entry_of: dict[str, int] = {}
        self._first_doc: dict[int, int] = {}
        self._codes: dict[str, int] = {}
        self._building: dict[str, list[int]] = {}
        self._postings: dict[str, Postings] = {}
        self._norms = np.zeros(0)
        self._doc_entries = np.zeros(0, dtype=np.int32)
        self._masses: dict[int, float] = {}
        self._average_length = 1.0
        self._built = False
        self.classifier = ExampleClassifier()
        self.names = NameIndex()
        self._spread: dict[str, set[str]] = {}
        self.spread_words: set[str] = set()
        self._stances: dict[int, tuple[Stances, Stances]] = {}
        self._kept_heads = lru_cache(maxsize=1 << 16)(self._heads_of)  # catalogs repeat their names
        self._named: frozenset[str] | None = None
        self._names_at: tuple[int, list[Doc], list[str]] = (-1, [], [])  # for `nearest`, as of a docs count
        self._standards = _class_standards(view, lexicon) if kind == "class" else {}
        for concept in view.concepts(kind).values():
            self._add_concept(concept, definitions)
        self._owners: dict[str, list[Entry]] = {}
        for entry in self.entries:
            for standard in entry.standards:
                self._owners.setdefault(standard, []).append(entry)
        self.names.broader = {
            position: frozenset(self._entry_of[a] for a in entry.concept.ancestors if a in self._entry_of)
            for position, entry in enumerate(self.entries)
            if entry.concept.ancestors
        }
        self._average_length = max(1.0, sum(d.length for d in self.docs) / max(1, len(self.docs)))
        self._norms = np.array([self._norm(d.length) for d in self.docs])
        self._doc_entries = np.array([d.entry for d in self.docs], dtype=np.int32)
        self._postings = {t: Postings.of(docs, self._norms) for t, docs in self._building.items()}
        del self._building
        self.classifier.freeze()
        value_words = (t for texts in lexicon.texts.values() for text in texts for t in text_terms(text))
        self.pinyin = PinyinReader.of(
            {t: p.size for t, p in self._postings.items() if is_chinese_pair(t)},
            frozenset(t for t in (*self._postings, *value_words) if t.isascii() and t.isalpha()),
        )
        self._built = True

    def _norm(self, length: int) -> float:
        return (K1 + 1) / (1 + K1 * (1 - B + B * length / self._average_length))

    def _add_concept(self, concept: Concept, definitions: bool) -> None:
        """Index a concept's texts. Only the first text of an item or a record is read in full
        (attributes, model numbers); the others are its translations and synonyms."""
        position = len(self.entries)
        texts = [("label", t) for t in concept.texts] + [("synonym", t) for t in concept.synonyms]
        if definitions and concept.definition:
            texts.append(("definition", concept.definition))
        docs = [(source, text, plain_profile(text)) for source, text in texts]
        first = None
        if concept.columns:
            first = read_text(concept.texts[0], concept.columns)[0]
            docs = [("record", concept.texts[0], first)]
        elif concept.kind == "item" and docs:
            first = read_text(concept.texts[0])[0]
            docs[0] = ("label", concept.texts[0], first)
        terms = frozenset().union(*(d[2].terms for d in docs))
        name_terms = frozenset().union(*(d[2].terms for d in docs if d[0] != "definition"))
        self.entries.append(self._entry(concept, first, terms, name_terms))
        for source, _, profile in docs:
            if source in ("label", "synonym"):
                self.names.add(profile.text, position)
        self._entry_of[concept.code] = position
        self._codes[concept.code.lower()] = position
        examples = [("example", *read_example(text)) for text in concept.examples]
        for _, _, profile in examples:
            self.classifier.add(concept.code, classifier_terms(profile), profile.context)
            self._spread_of(concept.code, profile)
        docs += examples
        seen: set[str] = set()
        for source, text, profile in docs:
            if profile.text not in seen:
                seen.add(profile.text)
                self._add_doc(position, source, text, profile)

    def _template(self, concept: Concept) -> Attributes:
        """What the concept's class template allows, worked out once per class."""
        key = concept.code if concept.kind == "class" else concept.parent
        if key not in self._templates:
            self._templates[key] = template_attributes(concept.template, self._lexicon)
        return self._templates[key]

    def _entry(
        self, concept: Concept, first: Profile | None, terms: frozenset[str], name_terms: frozenset[str]
    ) -> Entry:
        allowed = self._template(concept) if concept.template else None
        if concept.kind == "class":
            attributes = allowed or NO_ATTRIBUTES
        else:
            from_text = first.attributes if first else NO_ATTRIBUTES
            attributes = stated_attributes(concept, self._lexicon, from_text) if concept.values else from_text
        template_keys = frozenset(allowed) if allowed is not None else None
        models = first.models if first else frozenset()
        own, narrower = self._standards.get(concept.code, (frozenset(), frozenset()))
        return Entry(
            concept, attributes, template_keys, models, attribute_terms(attributes), terms, name_terms, own, narrower
        )

    def _add_doc(self, entry: int, source: str, text: str, profile: Profile) -> None:
        """Post a document. During the build, norms and postings arrays are made once at the end;
        afterwards (a confirmed example) each is replaced by a copy with the document, its norm
        and entry before its postings, so that a reader in another thread never finds a document
        without them."""
        position = len(self.docs)
        self._first_doc.setdefault(entry, position)
        self.docs.append(Doc(position, entry, source, text, profile, len(profile.terms)))
        terms = profile.terms | self.entries[entry].attribute_terms
        if not self._built:
            for term in terms:
                self._building.setdefault(term, []).append(position)
            return
        self._norms = np.append(self._norms, self._norm(len(profile.terms)))
        self._doc_entries = np.append(self._doc_entries, entry)
        for term in terms:
            postings = self._postings.get(term)
            self._postings[term] = postings.plus(position) if postings else Postings.of([position], self._norms)

    def add_example(self, code: str, text: str) -> None:
        """Post `text` as a confirmed example of the concept `code`, and teach the classifier it (no rebuild)."""
        text, profile = read_example(text)
        self._add_doc(self._entry_of[code], "example", text, profile)
        self.classifier.add(code, classifier_terms(profile), profile.context)
        self._spread_of(code, profile)

    def _spread_of(self, code: str, profile: Profile) -> None:
        """Note the concepts whose confirmed examples have each word of the example's name (Chinese
        pairs, Latin words): a word in the examples of many concepts, and in no concept's names
        (厂家直销, a brand, a selling point), is evidence for none of them (`spread_words`)."""
        for term in profile.name_terms:
            if term in self.spread_words or not (is_chinese_pair(term) or (term.isalpha() and len(term) > 2)):
                continue
            concepts = self._spread.setdefault(term, set())
            concepts.add(code)
            if len(concepts) >= SPREAD:
                del self._spread[term]
                self.spread_words.add(term)

    def stances(self, position: int) -> tuple[Stances, Stances]:
        """What the labels of the concept at `position` say, and what all its names say (worked
        out when first needed): the labels take sides in the exclusive groups, all names affirm
        and deny words."""
        found = self._stances.get(position)
        if found is None:
            concept = self.entries[position].concept
            labels = [normalize(t) for t in concept.texts]
            names = labels + [normalize(t) for t in concept.synonyms]
            found = self._stances[position] = (stances(" | ".join(labels)), stances(" | ".join(names)))
        return found

    def unknown_terms(self, terms: Iterable[str]) -> frozenset[str]:
        """The terms no document has (a brand, a word the scheme does not use)."""
        postings = self._postings
        return frozenset(t for t in terms if t not in postings)

    def spread_terms(self, terms: Iterable[str]) -> frozenset[str]:
        """The words spread over the confirmed examples of many concepts that no concept's names
        have (see `_spread_of`), and the characters that only such words give the record."""
        spread = self.spread_words
        if not spread:
            return frozenset()
        terms = frozenset(terms)
        named = self._named_terms()
        words = {t for t in terms if t in spread and t not in named}
        if not words:
            return frozenset()
        pairs = [t for t in terms if is_chinese_pair(t)]
        chars = {
            c
            for c in terms
            if len(c) == 1
            and c not in named
            and all(p in words for p in pairs if c in p)
            and any(c in w for w in words)
        }
        return frozenset(words | chars)

    def _named_terms(self) -> frozenset[str]:
        if self._named is None:
            self._named = frozenset().union(*(e.name_terms for e in self.entries))
        return self._named

    def nearest(self, text: str, size: int) -> list[Hit]:
        """The concepts whose names are most like `text` by characters (rapidfuzz `ratio`), for a
        record that shares no term with any concept: it still gets candidates, with low scores. Names
        are short, so the record's first `NEAREST_CHARS` characters say as much as all of it, and a
        long record costs no more than a short one. A blank record is like no name: none. (`WRatio`
        took 26 ms a record over GPC's names, where every Chinese record comes here.)"""
        if not text.strip():
            return []
        count, docs, names = self._names_at
        if count != len(self.docs):
            docs = [d for d in self.docs if d.source in ("label", "synonym", "record")]
            names = [d.profile.text for d in docs]
            self._names_at = (len(self.docs), docs, names)
        found = process.extract(text[:NEAREST_CHARS], names, scorer=fuzz.ratio, limit=size * 4)
        hits = [Hit(self.entries[docs[i].entry], docs[i], (similarity + 1.0) / 101.0) for _, similarity, i in found]
        return best_per_concept(hits)[:size]

    def heads(self, profile: Profile) -> Heads:
        """The record's head noun among the names of this index's classes (see `matchers.heads`);
        none for items and records, whose labels are not names. Kept by the record's segments (a
        catalog's names repeat with other sizes and brands) and the number of words known to name
        no product, which only grows (`_spread_of`)."""
        if self.kind != "class":
            return NO_HEADS
        return self._kept_heads(profile.segments, len(self.spread_words))

    def _heads_of(self, segments: tuple[Segment, ...], _spread: int) -> Heads:
        """`_spread`, the number of words known to name no product, is there for the cache's key."""
        return self.names.heads(segments, self.spread_words)

    def head_hits(self, heads: Heads, score: float) -> list[Hit]:
        """A hit for each concept that the record's head names in full, with `score`."""
        entries = [self.entries[p] for p, grade in sorted(heads.head.items()) if grade == 1.0]
        return [h for e in entries if (h := self.hit(e, score)) is not None]

    def position(self, entry: Entry) -> int:
        return self._entry_of[entry.concept.code]

    def entry(self, code: str) -> Entry | None:
        position = self._entry_of.get(code)
        return None if position is None else self.entries[position]

    def hit(self, entry: Entry, score: float) -> Hit | None:
        """A hit on `entry` through its first text, for a concept found otherwise than by its terms."""
        doc = self._first_doc.get(self._entry_of[entry.concept.code])
        return None if doc is None else Hit(entry, self.docs[doc], score)

    def idfs(self, terms: Iterable[str]) -> dict[str, float]:
        """The idf of each term."""
        documents, postings = len(self.docs), self._postings
        return {t: idf(documents, p.size if (p := postings.get(t)) else 0) for t in sorted(terms)}

    def mass(self, doc: Doc) -> float:
        """The idf mass of a document's terms, worked out when first needed and then kept."""
        mass = self._masses.get(doc.position)
        if mass is None:
            mass = self._masses[doc.position] = math.fsum(self.idfs(doc.profile.terms).values())
        return mass

    def named_codes(self, terms: Iterable[str]) -> list[Entry]:
        """Concepts whose code the record names (codes of six characters or more)."""
        found = (self._codes.get(t.replace(".", "")) for t in terms if len(t) >= _MIN_CODE_LENGTH)
        return [self.entries[e] for e in found if e is not None]

    def narrower_owners(self, hits: Iterable[Hit], standards: frozenset[str]) -> list[Hit]:
        """The narrower classes of the hits that own one of the record's `standards`, each with
        its broader hit's index score: `六角螺丝 GB 5783` matches the generic class's synonym, and
        the standard says which of its narrower classes it is."""
        broader = [hit for hit in hits if not standards.isdisjoint(hit.entry.narrower_standards)]
        if not broader:
            return []
        owners = {e.concept.code: e for s in sorted(standards) for e in self._owners.get(s, ())}
        return [
            narrower
            for hit in broader
            for e in owners.values()
            if hit.entry.concept.code in e.concept.ancestors and (narrower := self.hit(e, hit.score)) is not None
        ]

    def search(self, terms: Iterable[str], size: int) -> list[Hit]:
        """The `size` best concepts for the query `terms`, best first."""
        # sorted by term too: a set's order changes with the process's hash seed, and the budget
        # and float sums below depend on the order, so results would differ between processes
        found = sorted(((p, t) for t in sorted(terms) if (p := self._postings.get(t))), key=lambda pt: pt[0].size)
        if not found:
            return []
        norms, documents = self._norms, len(self.docs)  # read after the postings (see _add_doc)
        brought, weights, lookups = [], [], []
        budget = _BUDGET
        for postings, _ in found:
            weight = idf(documents, postings.size)
            if budget <= 0:
                lookups.append((postings, weight))
                continue
            taken = postings.by_norm[:budget]
            budget -= len(taken)
            brought.append(taken)
            if len(taken) == postings.size:
                weights.append(weight)
            else:  # the term that ends the budget also adds to the documents it does not bring
                weights.append(0.0)
                lookups.append((postings, weight))
        ids, raw = _summed(np.concatenate(brought), np.repeat(weights, [len(b) for b in brought]), documents)
        for postings, weight in lookups:
            raw += weight * postings.contains(ids)
        return self._best_concepts(ids, raw, norms, size)

    def _best_concepts(self, ids: np.ndarray, raw: np.ndarray, norms: np.ndarray, size: int) -> list[Hit]:
        """Concepts by their best document among the `_WINDOW` (at least `size`) with the highest
        raw score (equal ones by number, the same in every process), scored with their norms; a
        concept's support sums its documents there (like votes of nearest neighbours, when it
        has many examples). Its other documents there with `_ALTERNATE` of its best score or more
        are its alternates: the fuzzy scorers compare whole words, and `不锈钢304六角螺丝 外六角`
        ranks 外六角螺丝 first by terms but has the word 六角螺丝 of another of its synonyms."""
        top = _highest(raw, max(size, _WINDOW))  # `ids` are sorted: equal ones by number
        window = ids[top]
        scores = raw[top] * norms[window]
        by_score = np.lexsort((window, -scores))  # best document first, equal ones by number
        window = window[by_score]
        ranked_docs = zip(window.tolist(), scores[by_score].tolist(), self._doc_entries[window].tolist(), strict=True)
        best: dict[int, tuple[float, int]] = {}
        support: dict[int, float] = {}
        alternates: dict[int, list[Doc]] = {}
        highest = float(scores.max())
        for d, score, e in ranked_docs:  # a few dozen: plain Python beats numpy's per-call cost here
            support[e] = support.get(e, 0.0) + score / highest
            first = best.setdefault(e, (score, d))
            if first[1] != d and score >= _ALTERNATE * first[0]:
                alternates.setdefault(e, []).append(self.docs[d])
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:size]
        return [
            Hit(self.entries[e], self.docs[d], score, support[e], alternates=tuple(alternates.get(e, ())))
            for e, (score, d) in ranked
        ]


def _highest(values: np.ndarray, size: int) -> np.ndarray:
    """The positions of the `size` highest values, highest first, equal ones by position (a stable
    sort of all of them, cut; for many values, only those at least the `size`-th highest are sorted)."""
    if len(values) <= max(_PARTITION, size):
        return np.argsort(-values, kind="stable")[:size]
    least = np.partition(values, len(values) - size)[len(values) - size]
    kept = np.flatnonzero(values >= least)
    return kept[np.argsort(-values[kept], kind="stable")][:size]


def _summed(postings: np.ndarray, weights: np.ndarray, documents: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct documents among `postings`, by number, and the sum of the `weights` of their
    postings (each summed in the order given, so the same floats either way). Over all documents
    when there are few of them (a scheme's classes): `np.unique` sorts, which costs more there."""
    if documents <= _DENSE * len(postings):
        sums = np.bincount(postings, weights=weights, minlength=documents)
        seen = np.zeros(documents, dtype=bool)
        seen[postings] = True
        ids = np.flatnonzero(seen)
        return ids, sums[ids]
    distinct, position = np.unique(postings, return_inverse=True)
    return distinct, np.bincount(position, weights=weights, minlength=len(distinct))


def _class_standards(view: SchemeView, lexicon: ValueLexicon) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """Per class, its own product standards, and those that one narrower class alone owns: a
    standard that several classes own (a general one) does not say which of them a record is."""
    own = own_standards(view, lexicon)
    owners: dict[str, int] = {}
    for standards in own.values():
        for standard in standards:
            owners[standard] = owners.get(standard, 0) + 1
    below: dict[str, set[str]] = {}
    for code, standards in own.items():
        concept = view.classes.get(code)
        for ancestor in concept.ancestors if concept else ():
            below.setdefault(ancestor, set()).update(s for s in standards if owners[s] == 1)
    return {code: (own.get(code, frozenset()), frozenset(below.get(code, ()))) for code in own.keys() | below.keys()}


def classifier_terms(profile: Profile) -> frozenset[str]:
    """What the classifier learns of an example: the terms a record like it looks up."""
    return profile.terms | attribute_terms(profile.attributes)


@lru_cache(maxsize=1 << 16)
def plain_profile(text: str) -> Profile:
    """A class text needs no attribute extraction: its attributes come from its template. Only its
    material and finish words are set apart, as a record's are (`不锈钢合页` is `不锈钢 合页`); Latin
    words are apart already."""
    normalized = normalize(text)
    terms = frozenset(text_terms(normalized))
    spaced = normalized if normalized.isascii() else spaced_text(normalized, word_spans(normalized))
    return Profile(normalized, spaced, terms, terms, NO_ATTRIBUTES, frozenset())
