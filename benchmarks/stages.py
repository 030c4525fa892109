"""Where a matching run's CPU time goes: the run timed on the process clock, then run again under
cProfile, whose shares of the time (callees included) split the measured time among the stages."""

from __future__ import annotations

import cProfile
import pstats
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from matchers.extract import read_column
from matchers.normalize import normalize
from matchers.profile import piece_terms, read_query

T = TypeVar("T")

STAGES = {
    ("profile.py", "read_record"): "read: normalize, extract",
    ("candidates.py", "search"): "candidates: index search",
    ("candidates.py", "heads"): "candidates: head nouns",
    ("classified.py", "classify_chunk"): "candidates: example classifier",
    ("score.py", "features"): "score: features",
    ("similarity.py", "similarities"): "score: fuzzy, a record at a time",
    ("similarity.py", "chunk_similarities"): "score: fuzzy, a chunk at a time (cpdist)",
    ("explain.py", "explain"): "explain: the result",
    ("chunk_matcher.py", "matched"): "bulk: the output row",
    ("spool.py", "encode"): "bulk: the row encoded",
}


def forget_records() -> None:
    """Empty the caches of records and column values read, so that records are read afresh."""
    for cache in (read_query, normalize, read_column, piece_terms):
        cache.cache_clear()


def cpu_by_stage(run: Callable[[], T], rows: int) -> tuple[T, float, str]:
    """`run`'s result, its CPU seconds a row, and a table of CPU µs a row by stage (records read
    afresh both times)."""
    forget_records()
    started = time.process_time()
    result = run()
    cpu = (time.process_time() - started) / rows
    forget_records()
    profiler = cProfile.Profile()
    profiler.runcall(run)
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    found: defaultdict[str, float] = defaultdict(float)
    for (file, _, function), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        stage = STAGES.get((Path(file).name, function))
        if stage is not None and ("matchers" in file or "bulk" in file):
            found[stage] += cumulative
    shown = [(found[stage] / total * cpu, stage) for stage in STAGES.values() if stage in found]
    return result, cpu, "\n".join(f"    {seconds * 1e6:7.0f} µs  {stage}" for seconds, stage in [(cpu, "all"), *shown])
