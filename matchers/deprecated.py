"""Deprecated concepts never win: a record that matches one is pointed to its replacement."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from matchers.candidates import CandidateIndex, Entry, Hit, best_per_concept

_MAX_CHAIN = 10


def replacement(entry: Entry, index: CandidateIndex) -> Entry | None:
    """The active concept that replaces a deprecated one, through a chain of replacements."""
    for _ in range(_MAX_CHAIN):
        if entry.concept.active:
            return entry
        code = entry.concept.replaced_by
        next_entry = index.entry(code) if code else None
        if next_entry is None:
            return None
        entry = next_entry
    return None


def redirect(hits: Iterable[Hit], index: CandidateIndex) -> list[Hit]:
    """The hits with each deprecated concept replaced by its replacement, which keeps the index
    score and the matched text of the concept the record named; best first, one hit per concept."""
    redirected = []
    for hit in hits:
        if not hit.entry.concept.active:
            target = replacement(hit.entry, index)
            if target is None:
                continue
            hit = replace(hit, entry=target, replaces=hit.entry.concept.code)
        redirected.append(hit)
    return best_per_concept(redirected)
