"""Learning from confirmations, and swapping snapshots while other threads match."""

from __future__ import annotations

import threading
import time

from matchers import Matcher, Snapshot
from ontology.model import ConceptClass, Labels
from tests.matcher_bundles import CPMS, HEX_BOLT, WRENCH

TRADE_NAME = "猪头螺丝 M10"  # a local trade name that no label or synonym has


def test_a_confirmation_changes_later_matches() -> None:
    matcher = Matcher.from_bundles([CPMS])
    before = matcher.match("猪头螺丝 M12")
    assert WRENCH not in [c.code for c in before.candidates]
    matcher.confirm(TRADE_NAME, "CPMS", WRENCH)
    after = matcher.match("猪头螺丝 M12").candidates[0]
    assert after.code == WRENCH
    assert (after.matched_source, after.matched_text) == ("example", TRADE_NAME)
    assert after.features["example"] == 1.0


def test_examples_can_come_with_the_snapshot() -> None:
    matcher = Matcher.from_bundles([CPMS], examples={("CPMS", WRENCH): [{"品名": "猪头螺丝", "规格": "M10"}]})
    assert matcher.match("猪头螺丝").candidates[0].code == WRENCH


def test_a_confirmation_survives_a_reload() -> None:
    matcher = Matcher.from_bundles([CPMS])
    matcher.confirm(TRADE_NAME, "CPMS", WRENCH)
    matcher.reload(Snapshot.from_bundles([CPMS]))
    assert matcher.match("猪头螺丝 M12").candidates[0].code == WRENCH


def _with_class(code: str, zh: str) -> Snapshot:
    extra = ConceptClass(code=code, level=1, labels=Labels(zh_hans=zh))
    return Snapshot.from_bundles([CPMS.model_copy(update={"classes": [*CPMS.classes, extra]})])


def test_reload_swaps_the_index_while_other_threads_match() -> None:
    matcher = Matcher.from_bundles([CPMS])
    errors: list[BaseException] = []
    bests: list[str] = []
    stop = threading.Event()

    def keep_matching() -> None:
        try:
            while not stop.is_set():
                bests.append(matcher.match("外六角螺栓 M8*30").candidates[0].code)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    threads = [threading.Thread(target=keep_matching) for _ in range(3)]
    for thread in threads:
        thread.start()
    for i in range(5):
        matcher.reload(_with_class(f"9900000{i}-0", f"新类别{i}"))
        matcher.confirm(f"六角螺丝样品{i}", "CPMS", HEX_BOLT)
    deadline = time.monotonic() + 10
    while len(bests) < 30 and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(bests) >= 30 and set(bests) == {HEX_BOLT}
    assert matcher.match("新类别4").candidates[0].code == "99000004-0"
    assert "99000003-0" not in {c.code for c in matcher.match("新类别3").candidates}
