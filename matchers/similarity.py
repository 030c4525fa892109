"""The fuzzy features `token_set` and `partial`: rapidfuzz's token_set_ratio and partial_ratio of a
record's spaced text (`Profile.spaced`) with each candidate's matched text, or with the most
similar of its alternates, 0..1.

One record's ten candidates are compared in a plain loop (quicker than a `process` call for so few
texts); a chunk of records in one `process.cpdist` call per scorer, which gives the same floats.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from rapidfuzz import fuzz, process

from matchers.candidates import Hit

SCORERS = (fuzz.token_set_ratio, fuzz.partial_ratio)
Similarities = tuple[list[float], list[float]]
"""Per candidate: `token_set`, and `partial`."""


def similarities(query: str, hits: Sequence[Hit]) -> Similarities:
    token_set, partial = (_compared(query, hits, scorer) for scorer in SCORERS)
    return token_set, partial


def _compared(query: str, hits: Sequence[Hit], scorer: Callable[..., float]) -> list[float]:
    out = []
    for hit in hits:
        similarity = scorer(query, hit.doc.profile.spaced)
        for doc in hit.alternates if similarity < 100.0 else ():
            similarity = max(similarity, scorer(query, doc.profile.spaced))
        out.append(similarity / 100.0)
    return out


def chunk_similarities(records: Sequence[tuple[str, Sequence[Hit]]]) -> list[Similarities]:
    """`similarities` of each (query, hits) of a chunk. Every alternate is compared: the maximum
    is the same whether a text at 100 stops the search or not."""
    queries: list[str] = []
    texts: list[str] = []
    sizes: list[int] = []
    for query, hits in records:
        for hit in hits:
            docs = (hit.doc, *hit.alternates)
            queries += [query] * len(docs)
            texts += [doc.profile.spaced for doc in docs]
            sizes.append(len(docs))
    if not texts:
        return [([], []) for _ in records]
    counts = np.array(sizes, dtype=np.intp)
    starts = np.cumsum(counts) - counts
    per_hit = [
        (np.maximum.reduceat(process.cpdist(queries, texts, scorer=scorer, dtype=np.float64), starts) / 100.0).tolist()
        for scorer in SCORERS
    ]
    out: list[Similarities] = []
    at = 0
    for _, hits in records:
        out.append((per_hit[0][at : at + len(hits)], per_hit[1][at : at + len(hits)]))
        at += len(hits)
    return out
