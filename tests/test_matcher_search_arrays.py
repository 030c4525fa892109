"""The search's array shortcuts give what the plain numpy calls give, ties included."""

import numpy as np

from matchers.candidates import _highest, _summed


def test_highest_is_a_stable_sort_cut() -> None:
    rng = np.random.default_rng(7)
    for length in (5, 300, 2000):
        values = rng.integers(0, 20, length).astype(float)  # many ties
        for size in (1, 40, 500):
            assert np.array_equal(_highest(values, size), np.argsort(-values, kind="stable")[:size])


def test_summed_over_all_documents_equals_unique() -> None:
    rng = np.random.default_rng(3)
    postings = rng.integers(0, 1000, 600).astype(np.int32)
    weights = rng.random(600)
    ids, position = np.unique(postings, return_inverse=True)
    expected = np.bincount(position, weights=weights, minlength=len(ids))
    for documents in (1000, 10**6):  # summed densely, then through np.unique
        found_ids, sums = _summed(postings, weights, documents)
        assert np.array_equal(found_ids, ids)
        assert np.array_equal(sums, expected)
