"""Record to record: a catalog match's best candidates reordered by a pair model learned from
confirmed matches.

The matcher's score weighs what a record shares with a candidate against the other candidates;
it is fast and needs no training. When users have confirmed a few hundred matches between two
catalogs, boosted trees over pair features (`matchers.pairs`, with the matcher's own score as
one more feature) learn what decides sameness there (a model number that differs by a letter, a
size that the wording hides) and reorder the matcher's `depth` best candidates:

    reranker = PairReranker.fit(catalog, confirmed)     # (record, code of its match) pairs
    reranker.match(record).top.code

For catalogs of records (`Matcher.from_records`): they have no templates, so the reordering
changes no template values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from common.errors import InvalidInput
from matchers.decide import NO_AUTO, decide
from matchers.matcher import Matcher
from matchers.pairs import Idf, Side, pair_features, read_side
from matchers.record import Record
from matchers.result import MatchResult
from matchers.trees import BoostedTrees, boost

DEPTH = 10


@dataclass(frozen=True)
class _Catalog:
    """A catalog's matcher, with its records read for pair comparison and their idf."""

    matcher: Matcher
    scheme: str
    sides: Mapping[str, Side]  # by code
    idf: Idf
    depth: int

    def candidates(self, record: Record) -> tuple[MatchResult, list[list[float]]]:
        """The matcher's `depth` best candidates, and the pair features of each (the matcher's
        score last)."""
        result = self.matcher.match(record, self.scheme, "item", limit=self.depth)
        left = read_side(record)
        rows = [[*pair_features(left, self.sides[c.code], self.idf), c.score / 100] for c in result.candidates]
        return result, rows


@dataclass(frozen=True)
class PairReranker:
    catalog: _Catalog
    model: BoostedTrees

    @classmethod
    def fit(
        cls, matcher: Matcher, confirmed: Iterable[tuple[Record, str]], scheme: str | None = None, depth: int = DEPTH
    ) -> PairReranker:
        """Trees fitted on the matcher's `depth` best candidates for each confirmed record: its
        match is a yes, the others no. Raises InvalidInput when the confirmations give nothing to
        learn from (no record with its match among the candidates, or no other candidate)."""
        view = matcher.snapshot.scheme(scheme) if scheme else next(iter(matcher.snapshot.schemes.values()))
        if view.classes:
            raise InvalidInput(
                f"方案 {view.code} 有类和模板；配对模型只用于目录 / "
                f"scheme {view.code} has classes and templates; a pair model reorders catalogs only"
            )
        sides = {code: read_side(dict(c.columns) or c.label) for code, c in sorted(view.items.items())}
        catalog = _Catalog(matcher, view.code, sides, Idf(sides.values()), depth)
        rows, labels = [], []
        for record, code in confirmed:
            result, features = catalog.candidates(record)
            rows += features
            labels += [int(c.code == code) for c in result.candidates]
        if len(set(labels)) < 2:
            raise InvalidInput(
                "确认的匹配需有对有错的候选才能学习 / "
                "the confirmed matches need right and wrong candidates to learn from"
            )
        return cls(catalog, boost(rows, labels))

    def match(self, record: Record, limit: int | None = None) -> MatchResult:
        """The matcher's result, its candidates reordered and scored by the pair model (the
        matcher's score kept as the feature `matcher_score`)."""
        result, rows = self.catalog.candidates(record)
        scored = sorted(
            ((100 * self.model.probability(row), c) for row, c in zip(rows, result.candidates, strict=True)),
            key=lambda sc: (-sc[0], sc[1].code),
        )
        settings = self.catalog.matcher.settings
        # its probabilities are not the matcher's scores, so the matcher's calibration does not
        # hold for them: without fixed thresholds, its first candidate goes to review
        thresholds = settings.thresholds_for(self.catalog.scheme) or NO_AUTO
        decision = decide([score for score, _ in scored], thresholds)
        candidates = [
            replace(c, score=round(score, 2), extra_features={"matcher_score": c.score})
            for score, c in scored[: limit or settings.limit]
        ]
        return replace(result, candidates=candidates, top=candidates[0] if candidates else None, decision=decision)
