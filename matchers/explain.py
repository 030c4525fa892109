"""The output stage: a `MatchResult` with the reasons behind each score, the record's values
mapped onto the winner's template, and warnings."""

from __future__ import annotations

from collections.abc import Sequence

from matchers.attributes import ValueLexicon
from matchers.decide import Decision
from matchers.profile import Query
from matchers.result import AttributeCheck, Candidate, MatchResult
from matchers.score import Scored
from matchers.template import fill

_SHOWN_TERMS = 12


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
        matched_terms=list(s.matched_terms[:_SHOWN_TERMS]),
        replaces=s.hit.replaces,
        narrower=s.hit.narrower.concept.code if s.hit.narrower else None,
        attributes=[
            AttributeCheck(key=c.key, record=c.record.describe(), candidate=c.concept.describe(), agrees=c.agrees)
            for c in s.comparison.checks
        ],
        foreign_attributes=list(s.comparison.foreign),
        features=s.features,
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
    best = candidates[0] if candidates and decision is not Decision.none else None
    warnings = [
        f"{f.text!r} is read as {f.key} = {f.value}, but no word in the record says what kind of size it is"
        for f in query.extraction.found
        if f.ambiguous
    ]
    if best is None:
        return MatchResult(
            text=query.profile.text, read_as=read_as, scheme=scheme, kind=kind, decision=decision, best=None,
            candidates=candidates, warnings=warnings,
        )  # fmt: skip
    winner = scored[0].hit.entry.concept
    filled = fill(query.extraction, winner, lexicon)
    if best.replaces:
        warnings.append(f"the record names {best.replaces}, which is deprecated; it is replaced by {best.code}")
    warnings += [f"the record has no value for the required property {p}" for p in filled.missing_required]
    warnings += [
        f"the record's {key} has no property in the template of {best.code}" for key in best.foreign_attributes
    ]
    return MatchResult(
        text=query.profile.text,
        read_as=read_as,
        scheme=scheme,
        kind=kind,
        decision=decision,
        best=best,
        candidates=candidates,
        values=filled.values,
        missing_required=filled.missing_required,
        conflicts=filled.conflicts,
        warnings=warnings,
    )
