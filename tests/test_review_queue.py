"""The review queue of a finished job, on real files: one reviewer per row at a time, a decision
recorded once and never lost, and the reviewed copy in the job's format."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bulk.outputs import read_output, write_rows
from service.jobs.review import Review, Reviewer, RowTaken

ANN = Reviewer("k1", "Ann")
BOB = Reviewer("k2", "Bob")


def _row(number: int, status: str, *codes: str) -> dict:
    candidates = [{"code": c, "label": f"label {c}", "score": 90.0 - i * 10} for i, c in enumerate(codes)]
    best = candidates[0] if candidates and status != "no_match" else {"code": "", "label": "", "score": None}
    return {
        "row": number, "status": status, "reason": "", "code": best["code"], "label": best["label"],
        "score": best["score"], "candidates": candidates, "values": {}, "input": f"record {number}", "text": "",
    }  # fmt: skip


@pytest.fixture(params=["csv", "jsonl", "xlsx", "parquet"])
def review(request, tmp_path: Path) -> Review:
    result = tmp_path / f"result.{request.param}"
    rows = [_row(2, "matched", "A"), _row(3, "review", "A", "B"), _row(4, "no_match"), _row(5, "review", "B", "C")]
    write_rows(result, request.param, rows)
    return Review(tmp_path, result, request.param)


def test_two_reviewers_never_hold_the_same_row(review):
    assert [r.row for r in review.rows()] == [3, 4, 5]
    first, second = review.next_row(ANN), review.next_row(BOB)
    assert (first.row, second.row) == (3, 4)
    with pytest.raises(RowTaken):
        review.decide(3, 1, BOB)
    assert review.next_row(ANN, after=3).row == 5  # Ann gives row 3 up and takes the next free one
    assert review.next_row(BOB, after=4).row == 3


def test_a_decision_is_recorded_once_and_survives_a_torn_line(review):
    review.next_row(ANN)
    decision, new = review.decide(3, 2, ANN)
    assert new and (decision.code, decision.reviewer) == ("B", "Ann")
    again, new_again = review.decide(3, 1, ANN)
    assert not new_again and again.code == "B"
    with (review.folder / "decisions.jsonl").open("ab") as file:
        file.write(b'{"row": 4, "choi')  # a crash in the middle of a write
    assert set(review.decisions()) == {3}
    review.decide(4, None, BOB)
    assert {n: d.choice for n, d in review.decisions().items()} == {3: 2, 4: None}
    with pytest.raises(Exception, match="no candidate 3"):
        review.decide(5, 3, ANN)


def test_concurrent_decisions_on_one_row_apply_once(review):
    results = []
    threads = [threading.Thread(target=lambda: results.append(review.decide(5, 1, ANN))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(new for _, new in results) == 1
    assert (review.folder / "decisions.jsonl").read_text().count('"row":5') == 1


def test_accepting_above_a_score_and_the_reviewed_copy(review, tmp_path):
    review.next_row(BOB)  # Bob holds row 3
    accepted = review.accept_above(75.0, ANN)
    assert [d.row for d in accepted] == [5]  # row 3 is Bob's, row 4 has no candidate
    review.decide(4, None, BOB)
    target = tmp_path / f"reviewed.{review.output_format}"
    review.write_reviewed(target)
    rows = {r["row"]: r for r in read_output(target)}
    assert (rows[2]["status"], rows[3]["status"]) == ("matched", "review")
    assert (rows[5]["status"], rows[5]["code"], rows[5]["reason"]) == ("confirmed", "B", "reviewed by Ann: candidate 1")
    assert (rows[4]["status"], rows[4]["reason"]) == ("no_match", "reviewed by Bob: no candidate fits")
