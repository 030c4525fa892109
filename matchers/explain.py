"""The output stage: a `MatchResult` with the reasons behind each score, the record's values
mapped onto the winner's template, and warnings.

Candidates are built as plain dicts and validated in one call: pydantic-core reads nested dicts
much faster than it runs one model constructor per attribute check."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import TypeAdapter

from matchers.attributes import ValueLexicon
from matchers.decide import Decision
from matchers.profile import Query
from matchers.result import Candidate, MatchResult
from matchers.score import Scored
from matchers.template import fill

_SHOWN_TERMS = 12
_CANDIDATES = TypeAdapter(list[Candidate])


def candidate(s: Scored) -> dict[str, object]:
    """A scored candidate as the fields of a `Candidate`."""
    concept = s.hit.entry.concept
    return {
        "scheme": concept.scheme,
        "code": concept.code,
        "kind": concept.kind,
        "label": concept.label,
        "score": round(s.score, 2),
        "matched_text": s.hit.doc.text,
        "matched_source": s.hit.doc.source,
        "matched_terms": s.matched_terms[:_SHOWN_TERMS],
        "replaces": s.hit.replaces,
        "narrower": s.hit.narrower.concept.code if s.hit.narrower else None,
        "attributes": [
            {"key": c.key, "record": c.record.described, "candidate": c.concept.described, "agrees": c.agrees}
            for c in s.comparison.checks
        ],
        "foreign_attributes": s.comparison.foreign,
        "features": s.features,
    }


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
    candidates = _CANDIDATES.validate_python([candidate(s) for s in scored[:limit]])
    warnings = [
        f"{f.text!r} is read as {f.key} = {f.value}, but no word in the record says what kind of size it is"
        for f in query.extraction.found
        if f.ambiguous
    ]
    result = {"text": query.profile.text, "read_as": read_as, "scheme": scheme, "kind": kind, "decision": decision}
    if not candidates or decision is Decision.none:
        return MatchResult(**result, best=None, candidates=candidates, warnings=warnings)
    best = scored[0]
    winner = best.hit.entry.concept
    filled = fill(query.extraction, winner, lexicon)
    if best.hit.replaces:
        warnings.append(f"the record names {best.hit.replaces}, which is deprecated; it is replaced by {winner.code}")
    warnings += [f"the record has no value for the required property {p}" for p in filled.missing_required]
    warnings += [
        f"the record's {key} has no property in the template of {winner.code}" for key in best.comparison.foreign
    ]
    return MatchResult(
        **result,
        best=candidates[0],
        candidates=candidates,
        values=filled.values,
        missing_required=filled.missing_required,
        conflicts=filled.conflicts,
        warnings=warnings,
    )
