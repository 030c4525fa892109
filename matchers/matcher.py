"""The matching engine: a record in, a `MatchResult` out, through the stages

    read (normalize, extract) -> candidates -> score -> decide -> explain

over indexes built once from a `Snapshot`. Matching never blocks: `reload` builds the new
indexes while matching goes on, then swaps them in one assignment; a match that started before
finishes on the indexes it started with. `confirm` adds an example to the live index.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from matchers.attributes import STANDARD, ValueLexicon
from matchers.candidates import CandidateIndex, Hit
from matchers.classified import classify
from matchers.deadline import check
from matchers.decide import Decision, MatchSettings, decide
from matchers.deprecated import redirect, replacement
from matchers.explain import explain
from matchers.levels import roll_up
from matchers.profile import Query, read_record
from matchers.record import Record, example_text
from matchers.result import MatchResult
from matchers.score import HAND_SET, Labelled, Scored, ScoreWeights, fit_weights, score
from matchers.snapshot import Examples, Kind, Snapshot
from ontology.model import SchemeBundle


@dataclass(frozen=True, slots=True)
class _Loaded:
    snapshot: Snapshot
    indexes: Mapping[tuple[str, Kind], CandidateIndex]
    lexicons: Mapping[str, ValueLexicon]


def _load(snapshot: Snapshot) -> _Loaded:
    indexes: dict[tuple[str, Kind], CandidateIndex] = {}
    lexicons: dict[str, ValueLexicon] = {}
    for view in snapshot.schemes.values():
        lexicon = ValueLexicon.of(view.classes.values())
        lexicons[view.code] = lexicon
        for kind in get_args(Kind):
            if view.concepts(kind):
                check()  # a build can be stopped between its indexes (matchers.deadline)
                indexes[view.code, kind] = CandidateIndex(view, kind, lexicon)
    return _Loaded(snapshot, indexes, lexicons)


class Matcher:
    """Matches product records to the classes or items of a scheme, or to a catalog's records."""

    def __init__(self, snapshot: Snapshot, settings: MatchSettings | None = None) -> None:
        self.settings = settings or MatchSettings()
        self._lock = threading.Lock()
        self._confirmed: list[tuple[str, str, str]] = []
        self._loaded = _load(snapshot)

    @classmethod
    def from_bundles(
        cls, bundles: Iterable[SchemeBundle], settings: MatchSettings | None = None, examples: Examples | None = None
    ) -> Matcher:
        return cls(Snapshot.from_bundles(bundles, examples), settings)

    @classmethod
    def from_file(cls, path: str | Path, settings: MatchSettings | None = None) -> Matcher:
        return cls(Snapshot.from_file(path), settings)

    @classmethod
    def from_records(
        cls,
        records: Iterable[Record],
        scheme: str = "CATALOG",
        id_column: str = "id",
        settings: MatchSettings | None = None,
    ) -> Matcher:
        """A matcher over a plain catalog: records are matched to its records."""
        return cls(Snapshot.from_records(records, scheme, id_column), settings)

    @property
    def snapshot(self) -> Snapshot:
        return self._loaded.snapshot

    def match(
        self,
        record: Record,
        scheme: str | None = None,
        kind: Kind | None = None,
        limit: int | None = None,
        level: int | None = None,
        taught: Collection[str] = (),
    ) -> MatchResult:
        """Match one record (text, or a row with name/spec/material/brand/model ... columns) to the
        classes of `scheme` (the snapshot's first scheme by default), or to its items or catalog
        records (`kind="item"`; the default for a scheme without classes). With `level`, classes
        are matched at that depth of the hierarchy (2 for an HS heading, 3 for a GPC class).
        `taught`: codes the caller alone has confirmed for this very record (examples not yet
        accepted for everyone), counted as if the record named them."""
        loaded, settings = self._loaded, self.settings
        index = self._index(loaded, scheme, kind)
        check()  # between the stages: a caller's time limit (matchers.deadline) stops the match there
        query = read_record(record)
        check()
        scored, read_as = self._score(loaded, index, query, settings, level, taught), None
        check()
        names_product = query.profile.names_product
        alternative = index.pinyin.read(query.profile.text) if names_product else None
        if alternative:
            check()
            pinyin_query = read_record(alternative)
            pinyin_scored = self._score(loaded, index, pinyin_query, settings, level, taught)
            if pinyin_scored and (not scored or pinyin_scored[0].score > scored[0].score):
                query, scored, read_as = pinyin_query, pinyin_scored, alternative
        decision = decide([s.score for s in scored], settings.thresholds_for(index.scheme))
        if not names_product:  # only numbers, sizes, units, placeholders: never a guess
            decision = Decision.none
        limit = limit or settings.limit
        return explain(query, read_as, index.scheme, index.kind, scored, decision, limit, loaded.lexicons[index.scheme])

    def match_many(
        self,
        records: Iterable[Record],
        scheme: str | None = None,
        kind: Kind | None = None,
        limit: int | None = None,
        level: int | None = None,
    ) -> Iterator[MatchResult]:
        for record in records:
            yield self.match(record, scheme, kind, limit, level)

    def confirm(self, record: Record, scheme: str, code: str) -> None:
        """Add the record as a confirmed example of the concept `code`; later matches use it."""
        text = example_text(record)
        with self._lock:
            self._add_example(self._loaded, scheme, code, text)
            self._confirmed.append((scheme, code, text))

    def reload(self, snapshot: Snapshot) -> None:
        """Swap in a new snapshot; confirmations made since the first load are kept if their
        concept is still there and the snapshot does not already hold them."""
        loaded = _load(snapshot)
        with self._lock:
            for scheme, code, text in self._confirmed:
                view = snapshot.schemes.get(scheme)
                concept = view.find(code) if view else None
                if concept is not None and concept.active and text not in concept.examples:
                    self._add_example(loaded, scheme, code, text)
            self._loaded = loaded

    def labelled_features(
        self,
        labelled: Iterable[tuple[Record, str]],
        scheme: str | None = None,
        kind: Kind | None = None,
        level: int | None = None,
    ) -> Iterator[Labelled]:
        """For records with their right concept code: the features of each candidate (in the order
        of `FEATURES`) and the position of the right one among them (None if it is not there)."""
        loaded, settings = self._loaded, self.settings
        index = self._index(loaded, scheme, kind)
        for record, code in labelled:
            scored = self._score(loaded, index, read_record(record), settings, level)
            codes = [s.hit.entry.concept.code for s in scored]
            yield [list(s.row) for s in scored], codes.index(code) if code in codes else None

    def calibrate(
        self,
        labelled: Iterable[tuple[Record, str]],
        scheme: str | None = None,
        kind: Kind | None = None,
        level: int | None = None,
    ) -> ScoreWeights:
        """Score weights fitted on records with their right concept codes; use them with
        `MatchSettings(scheme_weights={scheme: {kind: weights}})`."""
        index = self._index(self._loaded, scheme, kind)
        return fit_weights(list(self.labelled_features(labelled, scheme, kind, level)), HAND_SET[index.kind])

    @staticmethod
    def _add_example(loaded: _Loaded, scheme: str, code: str, text: str) -> None:
        concept = loaded.snapshot.scheme(scheme).find(code)
        if concept is None:
            raise KeyError(f"no concept {code!r} in scheme {scheme!r}")
        if not concept.active:
            raise ValueError(
                f"{scheme} {code} is deprecated (replaced by {concept.replaced_by}); confirm the replacement"
            )
        loaded.indexes[scheme, concept.kind].add_example(code, text)

    @staticmethod
    def _index(loaded: _Loaded, scheme: str | None, kind: Kind | None) -> CandidateIndex:
        view = loaded.snapshot.scheme(scheme) if scheme else next(iter(loaded.snapshot.schemes.values()))
        kind = kind or view.default_kind
        index = loaded.indexes.get((view.code, kind))
        if index is None:
            raise KeyError(f"scheme {view.code} has no {kind}es to match")
        return index

    def _score(
        self,
        loaded: _Loaded,
        index: CandidateIndex,
        query: Query,
        settings: MatchSettings,
        level: int | None,
        taught: Collection[str] = (),
    ) -> list[Scored]:
        terms = query.lookup_terms
        hits = index.search(terms, settings.shortlist)
        if STANDARD in query.profile.attributes:
            hits += index.narrower_owners(hits, query.profile.attributes[STANDARD].texts)
        named = index.named_codes(query.profile.terms) + [e for c in taught if (e := index.entry(c)) is not None]
        top = hits[0].score if hits else 1.0
        classified = classify(index, terms, query.profile.context)
        heads = index.heads(query.profile)
        searched = {h.entry.concept.code for h in hits}
        # the product the record names joins what its other words found (`不锈钢` finds 不锈钢汤锅)
        head_hits = [
            h for h in index.head_hits(heads, hits[-1].score if hits else 1.0) if h.entry.concept.code not in searched
        ]
        found = [*(index.hit(e, top) for e in named), *(index.hit(e, 0.0) for e in classified.suggested)]
        hits = redirect([*hits, *(h for h in found if h is not None), *head_hits], index)
        if not hits:  # no term in common with any concept: the nearest by characters, scored low
            hits = index.nearest(query.profile.text, settings.shortlist)
        if level is not None:
            hits = roll_up(hits, level, index)
        heads_named = {h.entry.concept.code for h in head_hits}
        hits = hits[: settings.shortlist] + [
            h for h in hits[settings.shortlist :] if classified.suggests(h.entry) or h.entry.concept.code in heads_named
        ]
        context = _class_context(loaded, index, hits, terms, settings.shortlist)
        named_codes = frozenset(r.concept.code for e in named if (r := replacement(e, index)) is not None)
        weights = settings.weights_for(index.scheme, index.kind)
        return score(query, hits, index, weights, context, named_codes, classified.probabilities, heads)


def _class_context(
    loaded: _Loaded, index: CandidateIndex, hits: list[Hit], terms: frozenset[str], size: int
) -> dict[str, float]:
    """Relative index scores of the record's class candidates, for the hierarchy feature."""
    if index.kind != "class":
        classes = loaded.indexes.get((index.scheme, "class"))
        hits = classes.search(terms, size) if classes else []
    top = hits[0].score if hits else 1.0
    return {h.entry.concept.code: h.score / top for h in hits}
