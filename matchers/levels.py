"""Matching to one level of a hierarchy: an HS heading, a GPC class, a UNSPSC family. A narrower
concept that matches counts for its ancestor at that level."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from matchers.candidates import CandidateIndex, Entry, Hit, best_per_concept


def ancestor_at(entry: Entry, level: int, index: CandidateIndex) -> Entry | None:
    """The concept itself at `level`, its ancestor at `level`, or None if it is above it."""
    if entry.concept.level is None or entry.concept.level <= level:
        return entry if entry.concept.level == level else None
    for code in entry.concept.ancestors:
        ancestor = index.entry(code)
        if ancestor is not None and ancestor.concept.level == level:
            return ancestor
    return None


def roll_up(hits: Iterable[Hit], level: int, index: CandidateIndex) -> list[Hit]:
    """The hits at `level`; a narrower hit becomes its ancestor's, keeping its score, matched text
    and values to compare with. Hits above the level are dropped. Best first, one per concept."""
    rolled = []
    for hit in hits:
        target = ancestor_at(hit.entry, level, index)
        if target is hit.entry:
            rolled.append(hit)
        elif target is not None:
            rolled.append(replace(hit, entry=target, narrower=hit.matched))
    return best_per_concept(rolled)
