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

NO_PRODUCT = (
    "记录中没有产品名称（只有数字、尺寸、单位或占位符，如 无、同上、N/A），不作自动匹配"
    " / the record names no product (only numbers, sizes, units or placeholders such as 无, 同上, N/A),"
    " so it is not matched automatically"
)


def _opposite(s: Scored, ours: str, theirs: str) -> str:
    concept = s.hit.entry.concept
    return (
        f"候选 {concept.code} {concept.label} 与记录相反（记录：{ours}，候选：{theirs}），已降分"
        f" / candidate {concept.code} says the opposite of the record ({ours} against {theirs}) and is scored down"
    )


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
    if not query.profile.names_product:
        warnings.insert(0, NO_PRODUCT)
    warnings += [_opposite(s, ours, theirs) for s in scored[:limit] for ours, theirs in s.opposites]
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
