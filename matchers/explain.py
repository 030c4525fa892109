"""The output stage: a `MatchResult` with the reasons behind each score, the record's values
mapped onto the winner's template, and warnings."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from matchers.attributes import ValueLexicon
from matchers.decide import Decision
from matchers.profile import Query
from matchers.result import Candidate, MatchResult
from matchers.score import Scored
from matchers.template import fill


def candidate(s: Scored) -> Candidate:
    concept = s.hit.entry.concept
    return Candidate(
        scheme=concept.scheme,
        code=concept.code,
        kind=concept.kind,
        label=concept.label,
        score=round(s.score, 2),
        matched_text=s.hit.doc.text,
        matched_source=s.hit.doc.source,
        replaces=s.hit.replaces,
        narrower=s.hit.narrower.concept.code if s.hit.narrower else None,
        reasons=s,
    )


def explain(
    query: Query,
    read_as: str | None,
    scheme: str,
    kind: str,
    scored: Sequence[Scored],
    decision: Decision,
    limit: int,
    lexicon: ValueLexicon,
) -> MatchResult:
    candidates = [candidate(s) for s in scored[:limit]]
    warnings = [
        f"{f.text!r} is read as {f.key} = {f.value}, but no word in the record says what kind of size it is"
        for f in query.extraction.found
        if f.ambiguous
    ]
    result = partial(MatchResult, text=query.profile.text, read_as=read_as, scheme=scheme, kind=kind, decision=decision)
    if not candidates:
        return result(top=None, candidates=candidates, warnings=warnings)
    best, shown = scored[0], candidates[0]
    winner = best.hit.entry.concept
    filled = fill(query.extraction, winner, lexicon)
    if best.hit.replaces:
        warnings.append(f"the record names {best.hit.replaces}, which is deprecated; it is replaced by {winner.code}")
    warnings += [f"the record has no value for the required property {p}" for p in filled.missing_required]
    warnings += [
        f"the record's {key} has no property in the template of {winner.code}" for key in shown.foreign_attributes
    ]
    return result(
        top=shown,
        candidates=candidates,
        values=filled.values,
        missing_required=filled.missing_required,
        conflicts=filled.conflicts,
        warnings=warnings,
    )
