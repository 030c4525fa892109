"""Learning from confirmations, and swapping snapshots while other threads match."""

from __future__ import annotations

import threading
import time

from matchers import Matcher, Snapshot
from matchers.matcher import RELEARN_AFTER
from ontology.model import ConceptClass, Labels
from tests.matcher_bundles import CPMS, HEX_BOLT, WRENCH
from tests.shop_examples import SHOP, catalog_lines, shop_examples

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


def _outcomes(matcher: Matcher) -> list[tuple[str | None, float, str]]:
    results = [matcher.match(line, "SHOP") for line, _ in catalog_lines(20, seed=99)]
    return [(r.top.code if r.top else None, r.top.score if r.top else 0.0, r.decision.value) for r in results]


def test_examples_confirmed_one_by_one_teach_as_the_same_examples_in_the_snapshot() -> None:
    """Confirmed one by one, each example takes a single step of the classifier at once; the
    refresh then relearns the scheme as if the examples had come with the snapshot, and every
    match, score and decision is the same as the batch-learnt matcher's."""
    examples = shop_examples(25)
    batch = Matcher.from_bundles([SHOP], examples=examples)
    online = Matcher.from_bundles([SHOP])
    for (scheme, code), records in examples.items():
        for record in records:
            online.confirm(record, scheme, code)
    online.refresh()
    assert _outcomes(online) == _outcomes(batch)
    assert online.calibration("SHOP") == batch.calibration("SHOP")


def test_enough_confirmations_relearn_the_scheme_in_the_background() -> None:
    matcher = Matcher.from_bundles([SHOP])
    lines = catalog_lines(15, seed=1)
    assert len(lines) >= RELEARN_AFTER
    for line, code in lines:
        matcher.confirm(line, "SHOP", code)
    deadline = time.monotonic() + 60
    while not matcher.snapshot.scheme("SHOP").examples("class") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(matcher.snapshot.scheme("SHOP").examples("class")) >= RELEARN_AFTER
    assert matcher.calibration("SHOP").examples >= RELEARN_AFTER  # calibrated again on them
