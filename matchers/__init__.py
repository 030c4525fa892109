"""Matching product records to standard codes: pure Python over an in-memory snapshot.

    from matchers import Matcher
    matcher = Matcher.from_file("export.json")          # or .from_bundles(bundles), .from_records(rows)
    result = matcher.match("304不锈钢六角螺栓 M8*30 镀锌", scheme="CPMS")
    result.top.code, result.top.score, result.decision   # the top candidate; auto | review | none: trust it?
    result.values, result.warnings
    for result in matcher.match_many(rows, scheme="UNSPSC"): ...
    matcher.confirm(record, "CPMS", code)                # learn from a confirmation
    matcher.reload(Snapshot.from_file("new.json"))       # swap in a new snapshot while matching

A record is text or a row with name/spec/material/brand/model ... columns. Stages, one module
each: `profile` (normalize, extract), `candidates`, `score`, `decide`, `explain`.
"""

from matchers.decide import Decision, MatchSettings, Thresholds
from matchers.matcher import Matcher
from matchers.record import Record
from matchers.result import Candidate, MatchResult
from matchers.score import ScoreWeights
from matchers.snapshot import Snapshot

__all__ = [
    "Candidate", "Decision", "MatchResult", "MatchSettings", "Matcher", "Record", "ScoreWeights", "Snapshot",
    "Thresholds",
]  # fmt: skip
