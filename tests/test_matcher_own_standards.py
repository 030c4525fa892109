"""A class's own product standards: a generic name with the standard of a narrower class goes to
that class, although the generic class's template allows the standard too."""

from __future__ import annotations

import pytest

from matchers import Matcher
from ontology.codes import class_code, item_code
from ontology.model import ConceptClass, Labels
from tests.matcher_bundles import CPMS, HEX_BOLT

FULL_THREAD = class_code("21010102")
PART_THREAD = class_code("21010101")


def _split(part_thread_standards: str = "GB/T 5782, ISO 4014, DIN 931") -> Matcher:
    """The test scheme with 六角头螺栓 split in two: its standard items (GB/T 5783) move to the
    fully threaded class; the partly threaded one has no items and names its standards."""
    children = [
        ConceptClass(
            code=FULL_THREAD, parent=HEX_BOLT, level=4, labels=Labels(zh_hans="六角头螺栓 全螺纹", en="Hex screw")
        ),
        ConceptClass(
            code=PART_THREAD, parent=HEX_BOLT, level=4, labels=Labels(zh_hans="六角头螺栓 部分螺纹", en="Hex bolt"),
            definition=Labels(en=f"Hexagon head bolt threaded at the end only ({part_thread_standards})."),
        ),
    ]  # fmt: skip
    items = [
        item.model_copy(update={"code": item_code("21010102", n), "class_code": FULL_THREAD})
        for n, item in enumerate(CPMS.items, start=1)
    ]
    return Matcher.from_bundles([CPMS.model_copy(update={"classes": [*CPMS.classes, *children], "items": items})])


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return _split()


@pytest.mark.parametrize(
    ("record", "code"),
    [
        ("六角头螺栓 M8×30 8.8级 GB/T 5783", FULL_THREAD),  # stated by the class's standard items
        ("六角头螺栓 M8×30 DIN933", FULL_THREAD),  # its equivalent, another spelling
        ("六角头螺栓 M8×30 GB/T 5782", PART_THREAD),  # named in the class's definition
        ("六角头螺栓 M8×30 8.8级", HEX_BOLT),  # nothing says which kind
    ],
)
def test_the_standard_of_a_narrower_class_takes_the_record_there(matcher: Matcher, record: str, code: str) -> None:
    assert matcher.match(record, "CPMS").candidates[0].code == code


def test_the_generic_class_only_allows_the_standard(matcher: Matcher) -> None:
    candidates = {c.code: c for c in matcher.match("六角头螺栓 M8×30 GB/T 5783", "CPMS", limit=10).candidates}
    child, parent = candidates[FULL_THREAD].features, candidates[HEX_BOLT].features
    assert child["standard_agree"] == parent["standard_agree"] == 1
    assert (child["standard_own"], child["standard_narrower"]) == (1, 0)
    assert (parent["standard_own"], parent["standard_narrower"]) == (0, 1)
    assert candidates[PART_THREAD].features["standard_own"] == 0


def test_a_standard_that_two_classes_own_says_neither() -> None:
    shared = _split("GB/T 5782, GB/T 5783")
    candidates = {c.code: c for c in shared.match("六角头螺栓 M8×30 GB/T 5783", "CPMS", limit=10).candidates}
    assert candidates[FULL_THREAD].features["standard_own"] == candidates[PART_THREAD].features["standard_own"] == 1
    assert candidates[HEX_BOLT].features["standard_narrower"] == 0
