"""Decision thresholds calibrated per scheme and kind from its own confirmed examples.

A score is about a probability, but how often a scheme's `auto` decisions are right depends on the
scheme (how alike its classes are, how its catalogs are worded) and on what the matcher has learnt
of it. So each scheme's thresholds are read off its own confirmed examples, cross-fitted: the
examples (at most `SAMPLE`, drawn with a fixed seed) fall into `FOLDS` folds, and each fold is
matched by the scheme's index rebuilt without that fold's examples, so that no example is found
through itself and the classifier never saw it. Each example gives an `Outcome`: the best and
runner-up scores, and whether the best was its concept.

From the outcomes, `estimate` picks the `auto` threshold and margin (`MARGINS`) that decide the
most examples `auto` while the lower bound of the Wilson interval (`Z`, one-sided 95%) of their
precision stays at the target (default `DEFAULT_TARGET`, settable per scheme). A lower bound, not
the ratio: 20 right out of 20 is no proof of 95%; it takes about 55 right in a row to show it.
Below `MIN_EXAMPLES` examples nothing is tried, and when no threshold reaches the target, there is
no `auto` for that scheme and kind: every candidate goes to `review`, never a confident guess.

The `review` threshold is `REVIEW_FLOOR`, raised where the examples scoring lower are right less
than half the time (`REVIEW_TARGET`, upper bound this time). The examples all have a right
concept, so they cannot say when a record has none; below the review threshold is `none`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from matchers.decide import NO_AUTO, Decision, Thresholds, decide

DEFAULT_TARGET = 0.95
MIN_EXAMPLES = 50
FOLDS = 5
SAMPLE = 1000
Z = 1.645
MARGINS = (0.0, 5.0, 10.0, 15.0, 20.0)
REVIEW_FLOOR = 40.0
REVIEW_TARGET = 0.5
_SEED = 0


@dataclass(frozen=True, slots=True)
class Outcome:
    """One held-out example as the matcher ranked it."""

    best: float  # the best candidate's score (0 without candidates)
    runner_up: float
    right: bool  # the best candidate is the example's concept


@dataclass(frozen=True, slots=True)
class Calibration:
    """A scheme's thresholds for one kind, and what they gave on its held-out examples."""

    scheme: str
    kind: str
    examples: int  # examples the estimate was made from (0: none, not calibrated)
    target: float  # the precision asked of `auto`
    thresholds: Thresholds
    calibrated: bool  # False: too few examples, or no threshold reached the target; no `auto`
    auto_share: float = 0.0  # of the examples, decided auto
    auto_precision: float | None = None  # of those, right first (None: none was auto)
    auto_precision_lower: float | None = None  # its Wilson lower bound
    review_share: float = 0.0
    review_precision: float | None = None
    source: str = "examples"  # "examples" (cross-fitted), "labelled" (held-out records given)


def wilson_lower(right: int, total: int, z: float = Z) -> float:
    """The lower bound of the Wilson score interval of a proportion (0 for no trials)."""
    if total == 0:
        return 0.0
    p = right / total
    centre = p + z * z / (2 * total)
    spread = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    return max(0.0, (centre - spread) / (1 + z * z / total))


def wilson_upper(right: int, total: int, z: float = Z) -> float:
    """The upper bound of the Wilson score interval of a proportion (1 for no trials)."""
    return 1.0 - wilson_lower(total - right, total, z)


def uncalibrated(scheme: str, kind: str, target: float, examples: int = 0, source: str = "examples") -> Calibration:
    """No `auto` until the examples show how far the scores can be trusted."""
    return Calibration(scheme, kind, examples, target, NO_AUTO, calibrated=False, source=source)


def estimate(
    scheme: str, kind: str, outcomes: Sequence[Outcome], target: float, source: str = "examples"
) -> Calibration:
    """The thresholds for `target` precision of `auto` over these outcomes."""
    if len(outcomes) < MIN_EXAMPLES:
        return uncalibrated(scheme, kind, target, len(outcomes), source)
    review = _review_threshold(outcomes)
    chosen: tuple[int, float, float] | None = None  # (auto count, -threshold, margin)
    for margin in MARGINS:
        eligible = sorted((o for o in outcomes if o.best - o.runner_up >= margin), key=lambda o: -o.best)
        right = 0
        for count, outcome in enumerate(eligible, start=1):
            right += outcome.right
            last = count == len(eligible) or eligible[count].best < outcome.best
            better = chosen is None or (count, -outcome.best) > chosen[:2]
            if last and better and outcome.best >= review and wilson_lower(right, count) >= target:
                chosen = (count, -outcome.best, margin)
    if chosen is None:
        calibration = uncalibrated(scheme, kind, target, len(outcomes))
        thresholds = calibration.thresholds
    else:
        thresholds = Thresholds(auto=-chosen[1], review=min(review, -chosen[1]), margin=chosen[2])
    return _measured(scheme, kind, outcomes, target, thresholds, chosen is not None, source)


def _review_threshold(outcomes: Sequence[Outcome]) -> float:
    """`REVIEW_FLOOR`, or higher: the score under which the examples are right less than
    `REVIEW_TARGET` of the time (upper bound), when there is one above the floor."""
    ranked = sorted(outcomes, key=lambda o: o.best)
    right, cut = 0, REVIEW_FLOOR
    for count, outcome in enumerate(ranked[:-1], start=1):
        right += outcome.right
        above = ranked[count].best
        if above > outcome.best and wilson_upper(right, count) < REVIEW_TARGET:
            cut = max(cut, above)
    return cut


def _measured(
    scheme: str,
    kind: str,
    outcomes: Sequence[Outcome],
    target: float,
    thresholds: Thresholds,
    calibrated: bool,
    source: str,
) -> Calibration:
    decided = [(decide([o.best, o.runner_up], thresholds), o.right) for o in outcomes]
    auto = [right for decision, right in decided if decision is Decision.auto]
    review = [right for decision, right in decided if decision is Decision.review]
    return Calibration(
        scheme,
        kind,
        len(outcomes),
        target,
        thresholds,
        calibrated,
        auto_share=len(auto) / len(outcomes),
        auto_precision=sum(auto) / len(auto) if auto else None,
        auto_precision_lower=wilson_lower(sum(auto), len(auto)) if auto else None,
        review_share=len(review) / len(outcomes),
        review_precision=sum(review) / len(review) if review else None,
        source=source,
    )


def folds(examples: Iterable[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """At most `SAMPLE` of the (code, text) examples, drawn with a fixed seed, in `FOLDS` folds."""
    pool = sorted(examples)
    drawn = random.Random(_SEED).sample(pool, min(SAMPLE, len(pool)))
    return [drawn[f::FOLDS] for f in range(FOLDS)]
