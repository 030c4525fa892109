"""The matching engine: a record in, a `MatchResult` out, through the stages

    read (normalize, extract) -> candidates -> score -> decide -> explain

over indexes built once from a `Snapshot`. Matching never blocks: `reload` builds the new
indexes while matching goes on, then swaps them in one assignment; a match that started before
finishes on the indexes it started with.

`confirm` adds an example to the live index at once, where the classifier takes one step on it;
after `RELEARN_AFTER` confirmations of a scheme (or a tenth of its examples, if more), it is
relearnt in the background from the snapshot with every confirmation in it (`refresh`), so that
examples learnt one by one end as examples given with the snapshot do, and its decisions are
calibrated again (`matchers.calibration`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice
from pathlib import Path
from typing import TypeVar, get_args

from common.errors import CpmsError, DeprecatedConcept, InvalidSetting, UnknownConcept, UnknownKind
from matchers.attributes import STANDARD, ValueLexicon
from matchers.calibration import DEFAULT_TARGET, MIN_EXAMPLES, Calibration, Outcome, estimate, uncalibrated
from matchers.candidates import CandidateIndex, Hit
from matchers.classified import Classified, classify, classify_chunk
from matchers.columns import mapped, unused
from matchers.cross_fit import held_out
from matchers.deadline import check
from matchers.decide import Decision, MatchSettings, decide
from matchers.deprecated import redirect, replacement
from matchers.explain import explain
from matchers.levels import roll_up
from matchers.profile import Key, Query, read_record
from matchers.record import Record, example_text, given_columns, record_columns
from matchers.result import MatchResult
from matchers.score import HAND_SET, Labelled, Scored, ScoreWeights, Shortlist, fit_weights, score, score_chunk
from matchers.snapshot import Examples, Kind, SchemeView, Snapshot
from ontology.model import SchemeBundle, check_target_precision

log = logging.getLogger("cpms.matcher")

MAX_LIMIT = 500  # candidates a result may list, as `MatchSettings.limit`
KINDS = {"class": ("类", "classes"), "item": ("标准件或记录", "items")}
RELEARN_AFTER = 100  # confirmations of a scheme after which it is relearnt (or a tenth of its examples)
CHUNK = 1000  # records `match_many` scores at once
T = TypeVar("T")
Ranked = tuple[Query, list[Scored], str | None]
"""A record as read (as pinyin read as Chinese, when that matched better), its scored candidates,
best first, and the Chinese its pinyin was read as, if it was."""


@dataclass(frozen=True, slots=True)
class _Calibrated:
    calibration: Calibration
    outcomes: tuple[Outcome, ...]  # what it was estimated from
    made_with: tuple[ScoreWeights, int]  # the score weights and shortlist the scores came from


@dataclass(frozen=True, slots=True)
class _Loaded:
    snapshot: Snapshot
    indexes: Mapping[tuple[str, Kind], CandidateIndex]
    lexicons: Mapping[str, ValueLexicon]
    calibrations: dict[tuple[str, Kind], _Calibrated] = field(default_factory=dict)  # made when first needed
    examples: Mapping[str, int] = field(default_factory=dict)  # by scheme, in the snapshot


def _load(snapshot: Snapshot, previous: _Loaded | None = None, changed: frozenset[str] | None = None) -> _Loaded:
    """Indexes of the snapshot's schemes; with `previous`, only the `changed` schemes are built
    again, the others' indexes and calibrations are kept."""
    indexes: dict[tuple[str, Kind], CandidateIndex] = {}
    lexicons: dict[str, ValueLexicon] = {}
    calibrations: dict[tuple[str, Kind], _Calibrated] = {}
    for view in snapshot.schemes.values():
        if previous is not None and changed is not None and view.code not in changed:
            lexicons[view.code] = previous.lexicons[view.code]
            indexes.update({k: i for k, i in previous.indexes.items() if k[0] == view.code})
            calibrations.update({k: c for k, c in previous.calibrations.items() if k[0] == view.code})
            continue
        lexicon = ValueLexicon.of(view.classes.values())
        lexicons[view.code] = lexicon
        for kind in get_args(Kind):
            if view.concepts(kind):
                check()  # a build can be stopped between its indexes (matchers.deadline)
                indexes[view.code, kind] = CandidateIndex(view, kind, lexicon)
    examples = {
        v.code: sum(len(c.examples) for concepts in (v.classes, v.items) for c in concepts.values())
        for v in snapshot.schemes.values()
    }
    return _Loaded(snapshot, indexes, lexicons, calibrations, examples)


class Matcher:
    """Matches product records to the classes or items of a scheme, or to a catalog's records."""

    def __init__(self, snapshot: Snapshot, settings: MatchSettings | None = None) -> None:
        self.settings = settings or MatchSettings()
        self._lock = threading.Lock()  # around confirmations and swaps
        self._relearning = threading.Lock()  # one reload or refresh at a time
        self._calibrating = threading.Lock()  # one calibration at a time
        self._confirmed: list[tuple[str, str, str]] = []
        self._learnt = 0  # the confirmations the snapshot holds (the first ones)
        self._targets: dict[str, float] = {}  # target precisions set here, by scheme
        self._background: threading.Thread | None = None
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

    def kind_of(self, scheme: str | None = None, kind: str | None = None) -> Kind:
        """What a match of `scheme` (the first by default) goes to: `kind`, or the scheme's default;
        `UnknownScheme` or `UnknownKind` when the scheme or the kind is not there."""
        return self._index(self._loaded, scheme, kind).kind

    def match(
        self,
        record: Record,
        scheme: str | None = None,
        kind: Kind | None = None,
        limit: int | None = None,
        level: int | None = None,
        taught: Collection[str] = (),
        columns: Mapping[str, str | None] | None = None,
    ) -> MatchResult:
        """Match one record (text, or a row with name/spec/material/brand/model ... columns) to the
        classes of `scheme` (the snapshot's first scheme by default), or to its items or catalog
        records (`kind="item"`; the default for a scheme without classes). With `level`, classes
        are matched at that depth of the hierarchy (2 for an HS heading, 3 for a GPC class).
        `taught`: codes the caller alone has confirmed for this very record (examples not yet
        accepted for everyone), counted as if the record named them. `columns` names a row's
        column for a field (`{"model": "Art.-Nr."}`), or none (`{"brand": None}`), where the
        headers do not say (`matchers.columns`); the result's warnings name every column not used."""
        loaded, settings = self._loaded, self.settings
        index = self._index(loaded, scheme, kind)
        _check_bounds(limit, level)
        if columns and not isinstance(record, str):
            record = mapped(given_columns(record), columns)
        check()  # between the stages: a caller's time limit (matchers.deadline) stops the match there
        ranked = self._ranked(loaded, index, read_record(record), settings, level, taught)
        return self._result(loaded, index, record, ranked, limit)

    def match_many(
        self,
        records: Iterable[Record],
        scheme: str | None = None,
        kind: Kind | None = None,
        limit: int | None = None,
        level: int | None = None,
        columns: Mapping[str, str | None] | None = None,
    ) -> Iterator[MatchResult]:
        """`match` of each record, the same results, a chunk at a time: scoring a chunk at once
        costs less than scoring its records one by one."""
        records = iter(records)
        while chunk := list(islice(records, CHUNK)):
            if columns:
                chunk = [r if isinstance(r, str) else mapped(given_columns(r), columns) for r in chunk]
            yield from self.match_read([(r, read_record(r)) for r in _checked(chunk)], scheme, kind, limit, level)

    def match_read(
        self,
        reads: Sequence[tuple[Record, Query]],
        scheme: str | None = None,
        kind: Kind | None = None,
        limit: int | None = None,
        level: int | None = None,
    ) -> list[MatchResult]:
        """`match` of records read already (each with its `read_record`), in one batch: records
        read alike (`Query.key`) are scored once. A caller that keeps what it made of a key
        (`bulk.chunk_matcher`) sends each key once."""
        loaded, settings = self._loaded, self.settings
        index = self._index(loaded, scheme, kind)
        _check_bounds(limit, level)
        weights = settings.weights_for(index.scheme, index.kind)

        def scored(queries: list[Query]) -> list[list[Scored]]:
            classified = classify_chunk(index, [(q.lookup_terms, q.profile.context) for q in queries])
            shortlists = [
                self._shortlist(loaded, index, q, c, settings, level)
                for q, c in zip(_checked(queries), classified, strict=True)
            ]
            check()
            return score_chunk(shortlists, index, weights)

        distinct: dict[Key, Query] = {}
        for _, q in reads:
            distinct.setdefault(q.key, q)
        queries = list(distinct.values())
        alternatives = [index.pinyin.read(q.profile.text) if q.profile.names_product else None for q in queries]
        pinyin_queries = [read_record(a) for a in alternatives if a]
        pinyin = iter(zip(pinyin_queries, scored(pinyin_queries), strict=True))
        read = zip(queries, scored(queries), strict=True)
        ranked = {
            key: _better(as_read, next(pinyin) if alternative else None, alternative)
            for key, as_read, alternative in zip(distinct, read, alternatives, strict=True)
        }
        return [self._result(loaded, index, record, ranked[q.key], limit) for record, q in reads]

    def _result(
        self, loaded: _Loaded, index: CandidateIndex, record: Record, ranked: Ranked, limit: int | None
    ) -> MatchResult:
        """The decide and explain stages."""
        query, scored, read_as = ranked
        settings = self.settings
        thresholds = settings.thresholds_for(index.scheme) or self._calibrated(loaded, index).calibration.thresholds
        decision = decide([s.score for s in scored], thresholds)
        if not query.profile.names_product:  # only numbers, sizes, units, placeholders: never a guess
            decision = Decision.none
        limit = limit or settings.limit
        result = explain(
            query, read_as, index.scheme, index.kind, scored, decision, limit, loaded.lexicons[index.scheme]
        )
        left = unused(record_columns(record))
        return replace(result, warnings=[*result.warnings, _not_used(left)]) if left else result

    def confirm(self, record: Record, scheme: str, code: str) -> None:
        """Add the record as a confirmed example of the concept `code`; later matches use it at
        once, and a refresh (`refresh`) starts in the background when enough have come."""
        text = example_text(record)
        with self._lock:
            self._add_example(self._loaded, scheme, code, text)
            self._confirmed.append((scheme, code, text))
            pending = sum(s == scheme for s, _, _ in self._confirmed[self._learnt :])
            examples = self._loaded.examples.get(scheme, 0)
            due = pending >= max(RELEARN_AFTER, examples // 10) and self._background is None
            if due:
                self._background = threading.Thread(target=self._refresh_in_background, daemon=True)
        if due and self._background is not None:
            self._background.start()

    def refresh(self) -> None:
        """Learn the confirmations made since the snapshot as if they had come with it: the indexes
        of their schemes are built again with them (the classifier trained on all examples at
        once), and the calibrations in use made again before the new indexes are swapped in."""
        with self._relearning:
            loaded = self._loaded
            with self._lock:
                confirmed = list(self._confirmed)
            pending = confirmed[self._learnt :]
            if pending:
                changed = frozenset(s for s, _, _ in pending)
                self._swap(_load(loaded.snapshot.with_examples(pending), loaded, changed), len(confirmed), changed)

    def reload(self, snapshot: Snapshot) -> None:
        """Swap in a new snapshot; confirmations made since the first load are kept if their
        concept is still there and the snapshot does not already hold them. A scheme the new
        snapshot has as it was keeps its indexes and calibrations: an edit to one scheme does not
        cross-fit the others again (minutes of CPU for a scheme of 1,000 examples)."""
        with self._relearning:
            with self._lock:
                confirmed = list(self._confirmed)
            loaded, wanted = self._loaded, snapshot.with_examples(confirmed)
            changed = frozenset(
                code
                for code, view in wanted.schemes.items()
                if code in self._targets or loaded.snapshot.schemes.get(code) != view
            )
            self._targets.clear()  # the new snapshot says
            self._swap(_load(wanted, loaded, changed), len(confirmed), changed)

    def _swap(self, loaded: _Loaded, learnt: int, changed: frozenset[str]) -> None:
        """Calibrate the new indexes where the old ones were, then swap them in with the
        confirmations made meanwhile to the `changed` schemes (the others' indexes are the old
        ones, which have them already)."""
        for scheme, kind in list(self._loaded.calibrations):
            if (scheme, kind) not in loaded.calibrations and (scheme, kind) in loaded.indexes:
                self._calibrated(loaded, loaded.indexes[scheme, kind])
        with self._lock:
            for scheme, code, text in self._confirmed[learnt:]:
                if scheme in changed:
                    try:
                        self._add_example(loaded, scheme, code, text)
                    except CpmsError:  # the concept went away or was deprecated in the new snapshot
                        continue
            self._loaded, self._learnt = loaded, learnt

    def _refresh_in_background(self) -> None:
        try:
            self.refresh()
        except Exception:  # the next confirmations try again; matching goes on as it is
            log.exception("relearning the confirmed examples failed")
        finally:
            with self._lock:
                self._background = None

    def calibration(self, scheme: str | None = None, kind: Kind | None = None) -> Calibration:
        """The decision thresholds of a scheme's classes or items and what they give on its
        examples, cross-fitted (`matchers.calibration`): made when first needed, kept until the
        examples, the score weights or the target change."""
        loaded = self._loaded
        return self._calibrated(loaded, self._index(loaded, scheme, kind)).calibration

    def calibrate_all(self) -> None:
        """Make every index's calibration now, as a service does before it answers: made when first
        needed, it would hold up that first match (cross-fitting rebuilds the index five times)."""
        loaded = self._loaded
        for index in loaded.indexes.values():
            check()
            self._calibrated(loaded, index)

    def calibrate_thresholds(
        self, labelled: Iterable[tuple[Record, str]], scheme: str | None = None, kind: Kind | None = None
    ) -> Calibration:
        """Thresholds calibrated on records with their right concept codes that are not examples
        of this matcher (held out already), in place of those from its examples until they change.
        A record counts as right when its best candidate is its concept or a narrower one."""
        loaded, settings = self._loaded, self.settings
        index = self._index(loaded, scheme, kind)
        outcomes = []
        for record, code in labelled:
            scored = self._ranked(loaded, index, read_record(record), settings, None)[1]
            best, runner_up = (scored[i].score if len(scored) > i else 0.0 for i in (0, 1))
            outcomes.append(Outcome(best, runner_up, bool(scored) and code in _lineage(scored[0])))
        target = self._target(loaded, index.scheme)
        calibration = estimate(index.scheme, index.kind, outcomes, target, source="labelled")
        loaded.calibrations[index.scheme, index.kind] = _Calibrated(
            calibration, tuple(outcomes), _made_with(settings, index)
        )
        return calibration

    def target_precision(self, scheme: str) -> float:
        """The precision asked of `auto` decisions in `scheme`: set here, else in the snapshot
        (the scheme's stored setting), else `matchers.calibration.DEFAULT_TARGET`."""
        return self._target(self._loaded, scheme)

    def _target(self, loaded: _Loaded, scheme: str) -> float:
        return self._targets.get(scheme) or loaded.snapshot.scheme(scheme).target_precision or DEFAULT_TARGET

    def set_target_precision(self, scheme: str, precision: float) -> None:
        """Ask `precision` of `scheme`'s `auto` decisions (from 0.5 to 0.999) until the next
        `reload`, whose snapshot then says; its thresholds are estimated again from the outcomes
        they came from."""
        loaded = self._loaded
        loaded.snapshot.scheme(scheme)
        check_target_precision(precision)
        self._targets[scheme] = precision
        for key, made in list(loaded.calibrations.items()):
            if key[0] == scheme:
                calibration = estimate(*key, made.outcomes, precision, made.calibration.source)
                loaded.calibrations[key] = replace(made, calibration=calibration)

    def _calibrated(self, loaded: _Loaded, index: CandidateIndex) -> _Calibrated:
        key, made_with = (index.scheme, index.kind), _made_with(self.settings, index)
        current = loaded.calibrations.get(key)
        if current is not None and (current.made_with[0] is made_with[0] or current.made_with == made_with):
            return current
        with self._calibrating:
            current = loaded.calibrations.get(key)
            if current is None or current.made_with != made_with:
                current = loaded.calibrations[key] = self._cross_fitted(loaded, index, made_with)
        return current

    def _cross_fitted(self, loaded: _Loaded, index: CandidateIndex, made_with: tuple[ScoreWeights, int]) -> _Calibrated:
        settings, lexicon, key = self.settings, loaded.lexicons[index.scheme], (index.scheme, index.kind)

        def build(view: SchemeView) -> CandidateIndex:
            return CandidateIndex(view, index.kind, lexicon)

        def rank(fold: CandidateIndex, record: Record) -> list[tuple[tuple[str, ...], float]]:
            fold_loaded = replace(loaded, indexes={**loaded.indexes, key: fold}, calibrations={})
            scored = self._ranked(fold_loaded, fold, read_record(record), settings, None)[1]
            return [(_lineage(s), s.score) for s in scored[:2]]

        view = loaded.snapshot.scheme(index.scheme)
        target = self._target(loaded, index.scheme)
        examples = len(set(view.examples(index.kind)))
        if examples < MIN_EXAMPLES:
            return _Calibrated(uncalibrated(*key, target, examples), (), made_with)
        outcomes = held_out(view, index.kind, build, rank)
        return _Calibrated(estimate(*key, outcomes, target), tuple(outcomes), made_with)

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
            raise UnknownConcept(f"方案 {scheme} 中没有 {code!r} / no concept {code!r} in scheme {scheme}", code=code)
        if not concept.active:
            raise DeprecatedConcept(
                f"{scheme} {code} 已停用，由 {concept.replaced_by} 取代；请确认取代者 / "
                f"{scheme} {code} is deprecated (replaced by {concept.replaced_by}); confirm the replacement",
                code=code,
            )
        loaded.indexes[scheme, concept.kind].add_example(code, text)

    @staticmethod
    def _index(loaded: _Loaded, scheme: str | None, kind: str | None) -> CandidateIndex:
        view = loaded.snapshot.scheme(scheme) if scheme else next(iter(loaded.snapshot.schemes.values()))
        kind = kind or view.default_kind
        if kind not in KINDS:
            raise UnknownKind(f"未知的种类 {kind!r}（应为 class 或 item）/ unknown kind {kind!r} (class or item)")
        index = loaded.indexes.get((view.code, kind))  # type: ignore[arg-type]  # a kind checked above
        if index is None:
            raise UnknownKind(
                f"方案 {view.code} 没有可匹配的{KINDS[kind][0]} / scheme {view.code} has no {KINDS[kind][1]} to match"
            )
        return index

    def _ranked(
        self,
        loaded: _Loaded,
        index: CandidateIndex,
        query: Query,
        settings: MatchSettings,
        level: int | None,
        taught: Collection[str] = (),
    ) -> Ranked:
        """The record's scored candidates, best first; read as pinyin when that matches better (a
        record that names no product is not read as pinyin)."""
        scored = self._score(loaded, index, query, settings, level, taught)
        check()
        alternative = index.pinyin.read(query.profile.text) if query.profile.names_product else None
        pinyin = None
        if alternative:
            check()
            pinyin_query = read_record(alternative)
            pinyin = pinyin_query, self._score(loaded, index, pinyin_query, settings, level, taught)
        return _better((query, scored), pinyin, alternative)

    def _score(
        self,
        loaded: _Loaded,
        index: CandidateIndex,
        query: Query,
        settings: MatchSettings,
        level: int | None,
        taught: Collection[str] = (),
    ) -> list[Scored]:
        """One record's candidates scored, best first (`_match_chunk` scores a chunk's at once)."""
        classified = classify(index, query.lookup_terms, query.profile.context)
        shortlist = self._shortlist(loaded, index, query, classified, settings, level, taught)
        return score(shortlist, index, settings.weights_for(index.scheme, index.kind))

    @staticmethod
    def _shortlist(
        loaded: _Loaded,
        index: CandidateIndex,
        query: Query,
        classified: Classified,
        settings: MatchSettings,
        level: int | None,
        taught: Collection[str] = (),
    ) -> Shortlist:
        """The candidates stage, the classifier's part (`classify`, done for a chunk at once) aside."""
        terms = query.lookup_terms
        hits = index.search(terms, settings.shortlist)
        if STANDARD in query.profile.attributes:
            hits += index.narrower_owners(hits, query.profile.attributes[STANDARD].texts)
        named = index.named_codes(query.profile.terms) + [e for c in taught if (e := index.entry(c)) is not None]
        top = hits[0].score if hits else 1.0
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
        return Shortlist(query, hits, context, named_codes, classified.probabilities, heads)


def _better(
    read: tuple[Query, list[Scored]], pinyin: tuple[Query, list[Scored]] | None, alternative: str | None
) -> Ranked:
    """The record as read, or as its pinyin read as Chinese (`alternative`) when that scored better."""
    query, scored = read
    if pinyin is not None and pinyin[1] and (not scored or pinyin[1][0].score > scored[0].score):
        return pinyin[0], pinyin[1], alternative
    return query, scored, None


def _checked(items: Sequence[T]) -> Iterator[T]:
    """Each item after a `check()`: a chunk's stages stop between its records (`matchers.deadline`)."""
    for item in items:
        check()
        yield item


def _not_used(headers: list[str]) -> str:
    names = ", ".join(headers)
    return (
        f"未使用的列 {names}：列名不是匹配所读的字段（可用 columns={{字段: 列名}} 指定）/ "
        f"columns not used: {names}; their headers name no field the matcher reads "
        f"(name a column's field with columns={{field: header}})"
    )


def _lineage(scored: Scored) -> tuple[str, ...]:
    """A candidate's code and its ancestors' codes."""
    concept = scored.hit.entry.concept
    return (concept.code, *concept.ancestors)


def _made_with(settings: MatchSettings, index: CandidateIndex) -> tuple[ScoreWeights, int]:
    return settings.weights_for(index.scheme, index.kind), settings.shortlist


def _check_bounds(limit: int | None, level: int | None) -> None:
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise InvalidSetting(
            f"limit 应在 1 到 {MAX_LIMIT} 之间 / limit must be 1 to {MAX_LIMIT}, not {limit}", field="limit"
        )
    if level is not None and level < 1:
        raise InvalidSetting(f"level 应不小于 1 / level must be 1 or more, not {level}", field="level")


def _class_context(
    loaded: _Loaded, index: CandidateIndex, hits: list[Hit], terms: frozenset[str], size: int
) -> dict[str, float]:
    """Relative index scores of the record's class candidates, for the hierarchy feature."""
    if index.kind != "class":
        classes = loaded.indexes.get((index.scheme, "class"))
        hits = classes.search(terms, size) if classes else []
    top = hits[0].score if hits else 1.0
    return {h.entry.concept.code: h.score / top for h in hits}
