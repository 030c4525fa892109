"""The candidates stage: Chinese, English, traditional, synonym, pinyin and attribute queries find
the right concepts in a short list."""

from __future__ import annotations

import pytest

from matchers import Matcher
from matchers.attributes import ValueLexicon
from matchers.candidates import CandidateIndex
from matchers.pinyin_query import PinyinReader
from matchers.profile import read_record
from matchers.snapshot import Kind, Snapshot
from tests.matcher_bundles import BOLT_M8X30, CPMS, HEX_BOLT, HEX_NUT, HINGE, OTHER, SOCKET_SCREW, WRENCH


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    return Snapshot.from_bundles([CPMS, OTHER])


def _index(snapshot: Snapshot, kind: Kind = "class") -> CandidateIndex:
    view = snapshot.scheme("CPMS")
    return CandidateIndex(view, kind, ValueLexicon.of(view.classes.values()))


def _codes(index: CandidateIndex, text: str, size: int = 5) -> list[str]:
    return [hit.entry.concept.code for hit in index.search(read_record(text).lookup_terms, size)]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("六角头螺栓", HEX_BOLT),
        ("外六角螺栓 M8", HEX_BOLT),  # a synonym
        ("Hexagon socket head cap screw", SOCKET_SCREW),
        ("hexagon nuts", HEX_NUT),  # plural
        ("鉸鏈", HINGE),  # traditional script of a synonym
        ("活口扳手 8寸", WRENCH),
        ("扳手活动", WRENCH),  # word order
    ],
)
def test_a_query_finds_its_class_first(snapshot: Snapshot, text: str, code: str) -> None:
    assert _codes(_index(snapshot), text)[0] == code


def test_the_short_list_is_no_longer_than_asked(snapshot: Snapshot) -> None:
    index = _index(snapshot)
    assert len(index.search(read_record("螺栓 螺钉 螺母 合页 扳手").lookup_terms, 2)) == 2


def test_a_record_without_a_product_word_finds_items_by_its_attributes(snapshot: Snapshot) -> None:
    assert _codes(_index(snapshot, "item"), "M8*30 镀锌")[0] == BOLT_M8X30


def test_a_record_sharing_nothing_finds_nothing(snapshot: Snapshot) -> None:
    assert _codes(_index(snapshot), "zzzz qqqq") == []


def test_pinyin_is_read_as_chinese_from_the_index_vocabulary(snapshot: Snapshot) -> None:
    reader = _index(snapshot).pinyin
    assert reader.read("liujiao luosi m8") == "六角螺丝 m8"
    assert reader.read("hex bolt m8") is None
    matcher = Matcher(snapshot)
    result = matcher.match("luosi m8", scheme="CPMS")
    assert result.read_as == "螺丝 m8"
    assert result.candidates[0].code in (HEX_BOLT, SOCKET_SCREW)


def test_a_latin_word_the_index_knows_is_not_read_as_pinyin() -> None:
    assert PinyinReader.of({"螺丝": 5}).read("luosi m8") == "螺丝 m8"
    assert PinyinReader.of({"螺丝": 5, "爱丝": 1}, frozenset({"aisi"})).read("aisi 316") is None  # AISI 316


def test_another_scheme_is_chosen_per_call(snapshot: Snapshot) -> None:
    matcher = Matcher(snapshot)
    assert matcher.match("螺母 M8", scheme="UNSPSC").candidates[0].code == "31161700"
    assert matcher.match("hinges", scheme="UNSPSC").candidates[0].code == "31162400"
    assert matcher.match("六角螺母 M8", scheme="CPMS").candidates[0].code == HEX_NUT


def test_matching_to_a_level_rolls_narrower_concepts_up(snapshot: Snapshot) -> None:
    result = Matcher(snapshot).match("内六角螺丝 M6", scheme="CPMS", level=2)
    best = result.candidates[0]
    assert (best.code, best.narrower) == (CPMS.classes[1].code, SOCKET_SCREW)
