"""A scheme's confirmed examples matched as if they were new records: each fold of them by the
scheme's index rebuilt without that fold (`matchers.calibration` says why and what comes of it)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from matchers.calibration import Outcome, folds
from matchers.candidates import CandidateIndex
from matchers.record import Record, split_context
from matchers.snapshot import Kind, SchemeView

Rank = Callable[[CandidateIndex, Record], Sequence[tuple[tuple[str, ...], float]]]
"""The candidates of a record, best first, from an index: (its code and its ancestors' codes,
score). The best is right when it is the example's concept or a narrower one: an example of a
GPC class is matched right by one of its bricks."""


def held_out(view: SchemeView, kind: Kind, build: Callable[[SchemeView], CandidateIndex], rank: Rank) -> list[Outcome]:
    """An outcome for each drawn example, matched by an index built without its fold (and
    without any other example of the same text for the same concept)."""
    examples = view.examples(kind)
    outcomes = []
    for fold in folds(set(examples)):
        held = set(fold)
        kept: dict[str, list[str]] = {}
        for code, text in examples:
            if (code, text) not in held:
                kept.setdefault(code, []).append(text)
        index = build(view.with_examples(kind, kept))
        for code, text in fold:
            ranked = rank(index, as_record(text))
            best = ranked[0][1] if ranked else 0.0
            runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
            outcomes.append(Outcome(best, runner_up, bool(ranked) and code in ranked[0][0]))
    return outcomes


def as_record(example: str) -> Record:
    """An example kept as text (`matchers.record.example_text`) as the record it was."""
    text, context = split_context(example)
    return {"name": text, "description": context} if context else text
