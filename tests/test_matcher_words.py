"""Wording of real catalog lines: the head noun decides what a product is, a candidate that says
the opposite of the record loses, words the standard does not know weigh little, a size does not
choose the class, a cell that names no product is never a guess, and every record gets
candidates."""

from __future__ import annotations

import pytest

from matchers import Candidate, Decision, Matcher, MatchResult, MatchSettings, Thresholds
from matchers.opposites import contradictions, stances
from matchers.profile import read_record
from ontology.model import ConceptClass, Labels, Scheme, SchemeBundle, Synonym
from seed_data.cpms_standard import load_cpms

LOCK_CYLINDER, SECURITY_DOOR = "22030000-O", "28010000-N"
WOOD_SCREW, SLOTTED_SCREWDRIVER = "21020400-4", "25020100-2"
HINGE, BUTT_HINGE, TEE, CALIPER = "23010000-Y", "23010101-O", "24020200-6", "25050300-1"
SOCKET_CAP_SCREW, HEX_BOLT, SCREWS, NUTS, BUTTERFLY_VALVE = (
    "21020101-Q", "21010100-N", "21020000-0", "21030000-4", "24010600-6",
)  # fmt: skip

# codes that are no word of a record (a record that names a code of six characters or more means it)
SHOP = Scheme(code="SHOP", name=Labels(en="A shop's product list"), version="1", source="test", licence="test")


def _class(code: str, zh: str, en: str, *synonyms: str) -> ConceptClass:
    return ConceptClass(
        code=code, level=1, labels=Labels(zh_hans=zh, en=en),
        synonyms=[Synonym(text=s, lang="en" if s.isascii() else "zh-Hans") for s in synonyms],
    )  # fmt: skip


SHOP_CLASSES = [
    _class("SH-LADDER", "金属梯", "Metal ladders", "铝合金梯"),
    _class("SH-NONMETAL-LADDER", "非金属梯", "Non-metal ladders", "绝缘梯"),
    _class("SH-SOLDER-PB", "含铅焊锡", "Leaded solder"),
    _class("SH-SOLDER-FREE", "无铅焊锡", "Lead-free solder"),
    _class("SH-NUT-LH", "左旋螺母", "Left-hand nuts", "反牙螺母"),
    _class("SH-NUT-RH", "右旋螺母", "Right-hand nuts"),
    _class("SH-VEHICLE", "车辆配件", "Vehicle parts", "车辆", "汽车配件"),
    _class("SH-SCREW", "螺丝", "Screws", "螺钉"),
    _class("SH-BATHTUB", "浴缸", "Bathtubs"),
    _class("SH-GRAB-BAR", "扶手", "Grab bars"),
    _class("SH-CARPET", "地毯", "Carpets"),
    _class("SH-ROD", "杆", "Rods", "固定杆"),
    _class("SH-METAL", "金属材料", "Metal materials", "金属"),
]


@pytest.fixture(scope="module")
def cpms() -> Matcher:
    """With the default thresholds fixed: these tests are about what the scores say of the words. The
    seed has no confirmed examples to calibrate its decisions on, so on its own it decides no `auto`."""
    return Matcher.from_bundles([load_cpms()], MatchSettings(thresholds=Thresholds()))


@pytest.fixture(scope="module")
def shop() -> Matcher:
    return Matcher.from_bundles([SchemeBundle(scheme=SHOP, classes=SHOP_CLASSES)])


def codes(result: MatchResult) -> list[str]:
    return [c.code for c in result.candidates]


def candidate(result: MatchResult, code: str) -> Candidate:
    return next(c for c in result.candidates if c.code == code)


# ------------------------------------------------------------------ head nouns


@pytest.mark.parametrize(
    ("record", "product"),
    [
        ("车辆紧固用螺丝", "SH-SCREW"),  # 用 ends the modifier: a screw for fastening vehicles
        ("金属制浴缸扶手", "SH-GRAB-BAR"),  # 制 and the bathtub only narrow the grab bar
        ("楼梯地毯固定杆", "SH-ROD"),
        ("汽车用螺丝 M6", "SH-SCREW"),
        ("grab bar for bathtub", "SH-GRAB-BAR"),  # an English head is the noun before `for`
        ("screw for vehicle", "SH-SCREW"),
    ],
)
def test_the_head_noun_decides_not_the_modifier(shop: Matcher, record: str, product: str) -> None:
    result = shop.match(record)
    assert codes(result)[0] == product
    best = result.candidates[0]
    assert best.features["head"] == 1.0 and best.features["modifier"] == 0.0


def test_a_class_named_only_as_a_modifier_is_marked(shop: Matcher) -> None:
    result = shop.match("金属制浴缸扶手")
    assert candidate(result, "SH-BATHTUB").features["modifier"] == 1.0


@pytest.mark.parametrize(
    ("record", "product", "not_this"),
    [
        ("锁芯 防盗门", LOCK_CYLINDER, SECURITY_DOOR),  # the product first, what it is for after
        ("防盗门锁芯", LOCK_CYLINDER, SECURITY_DOOR),
        ("lock cylinder for security door", LOCK_CYLINDER, SECURITY_DOOR),
        ("一字木螺丝", WOOD_SCREW, SLOTTED_SCREWDRIVER),  # a slotted wood screw, not a screwdriver
    ],
)
def test_catalog_lines_get_their_product_first(cpms: Matcher, record: str, product: str, not_this: str) -> None:
    result = cpms.match(record)
    assert codes(result)[0] == product
    assert not_this not in codes(result)[:1]


def test_a_later_word_that_narrows_the_head_is_not_a_modifier(cpms: Matcher) -> None:
    result = cpms.match("螺丝 M8 内六角")  # 品名 then its kind, as catalogs write it
    assert codes(result)[0] == "21020100-S"  # 内六角螺钉, a narrower kind of 螺钉


# ------------------------------------------------------------------ negation and opposites


@pytest.mark.parametrize(
    ("record", "right", "opposite"),
    [
        ("非金属梯", "SH-NONMETAL-LADDER", "SH-LADDER"),
        ("金属梯 3米", "SH-LADDER", "SH-NONMETAL-LADDER"),
        ("无铅焊锡丝 1.0mm", "SH-SOLDER-FREE", "SH-SOLDER-PB"),
        ("含铅焊锡", "SH-SOLDER-PB", "SH-SOLDER-FREE"),
        ("左旋螺母 M10", "SH-NUT-LH", "SH-NUT-RH"),
        ("右旋螺母 M10", "SH-NUT-RH", "SH-NUT-LH"),
        ("non-metal ladder", "SH-NONMETAL-LADDER", "SH-LADDER"),
        ("lead-free solder", "SH-SOLDER-FREE", "SH-SOLDER-PB"),
    ],
)
def test_a_candidate_that_says_the_opposite_loses(shop: Matcher, record: str, right: str, opposite: str) -> None:
    result = shop.match(record)
    assert codes(result)[0] == right
    if opposite in codes(result):
        wrong = candidate(result, opposite)
        assert wrong.features["opposite"] >= 1 and result.candidates[0].score > wrong.score + 30
        assert any(opposite in w and "相反" in w and "opposite" in w for w in result.warnings)


def test_the_warning_says_what_is_opposite(shop: Matcher) -> None:
    result = shop.match("非金属梯")
    warning = next(w for w in result.warnings if "SH-LADDER " in w)
    assert warning.startswith("候选 SH-LADDER 金属梯 与记录相反（记录：非金属，候选：金属）")


def test_hex_socket_and_hex_head_are_opposites(cpms: Matcher) -> None:
    socket = cpms.match("内六角螺栓 M8*30")
    assert codes(socket)[0] == SOCKET_CAP_SCREW
    assert HEX_BOLT not in codes(socket) or candidate(socket, HEX_BOLT).features["opposite"] == 1
    head = cpms.match("外六角螺丝 M8*30 镀锌")
    assert codes(head)[0] == HEX_BOLT
    assert SOCKET_CAP_SCREW not in codes(head) or candidate(head, SOCKET_CAP_SCREW).features["opposite"] == 1


def test_synonyms_that_list_variants_do_not_take_a_side(cpms: Matcher) -> None:
    """蝶阀 has the synonyms 电动蝶阀 and 气动蝶阀; a manual one is still a 蝶阀."""
    result = cpms.match("手动蝶阀 DN50")
    assert codes(result)[0] == BUTTERFLY_VALVE and result.candidates[0].features["opposite"] == 0


# ------------------------------------------------------------------ always candidates


def test_a_record_sharing_no_term_still_gets_its_nearest_concepts(cpms: Matcher) -> None:
    result = cpms.match("鬣")
    assert result.candidates and result.decision is Decision.none
    assert all(c.score < 10 for c in result.candidates)


def test_nearest_concepts_are_found_by_characters(shop: Matcher) -> None:
    result = shop.match("扶handrail")  # the index shares no term with it; one character is like 扶手
    assert result.candidates and codes(result)[0] == "SH-GRAB-BAR"


# ------------------------------------------------------------------ records naming no product


@pytest.mark.parametrize(
    "record",
    [
        "3",
        "100",
        "无",
        "-2+3 M8",
        "1型",
        "同上",
        "见图",
        "N/A",
        "-",
        "TBD",
        "50mm",
        "M8*30",
        "4寸",
        "10片/盒",
        "100只装",
    ],
)
def test_placeholders_and_bare_values_are_never_a_guess(cpms: Matcher, record: str) -> None:
    result = cpms.match(record)
    assert result.decision is Decision.none
    assert result.warnings[0].startswith("记录中没有产品名称") and "names no product" in result.warnings[0]


def test_a_row_of_values_with_a_placeholder_name_is_none(cpms: Matcher) -> None:
    result = cpms.match({"品名": "同上", "规格": "M8*30", "材质": "304"})
    assert result.decision is Decision.none


def test_a_product_word_with_values_is_matched(cpms: Matcher) -> None:
    result = cpms.match("1型六角螺母 M8")
    assert result.decision is Decision.auto and codes(result)[0] == "21030101-V"


# ------------------------------------------------------------------ words the standard does not know


@pytest.mark.parametrize(
    ("record", "classes"),
    [
        ("4寸不锈钢合页", {HINGE}),
        ("4寸不锈钢合页 304 加厚", {HINGE}),
        ("4寸不锈钢合页 轴承 静音", {HINGE, BUTT_HINGE}),  # a ball-bearing hinge is a butt hinge
        ("三通 等径 50mm", {TEE}),
        ("PVC 三通 等径 50mm 厂家直销 包邮", {TEE}),
        ("PVC三通 等径 50mm 工业级 快装 10只装", {TEE}),
    ],
)
def test_feature_trade_and_pack_words_do_not_sink_a_clear_product(cpms: Matcher, record: str, classes: set) -> None:
    result = cpms.match(record)
    assert result.decision is Decision.auto and codes(result)[0] in classes


def test_an_unknown_brand_beside_a_known_product_weighs_little(cpms: Matcher) -> None:
    plain = cpms.match("六角螺母 M8 镀锌")
    branded = cpms.match("鑫旺达 六角螺母 M8 镀锌 耐摔")
    assert codes(branded)[0] == codes(plain)[0]
    assert branded.candidates[0].score > plain.candidates[0].score - 10


def test_an_unknown_product_word_still_counts(cpms: Matcher) -> None:
    """无铅焊锡 names a product the standard lacks: its words are the product, not noise."""
    assert cpms.match("无铅焊锡").decision is Decision.none


def test_a_size_does_not_lift_a_class_the_record_does_not_name(cpms: Matcher) -> None:
    result = cpms.match("PVC 三通 等径 50mm")
    assert codes(result)[0] == TEE
    if CALIPER in codes(result):  # calipers measure 0-150 mm: 50mm fits their range, nothing more
        assert candidate(result, CALIPER).features["attributes_agree"] == 0


def test_words_spread_over_many_classes_examples_become_noise() -> None:
    matcher = Matcher.from_bundles([load_cpms()])
    confirmed = ["六角螺母", "平垫圈", "弹簧垫圈", "球阀", "三通", "弯头", "卷尺", "羊角锤", "角阀"]
    for name in confirmed:
        code = codes(matcher.match(name))[0]
        matcher.confirm(f"{name} 永旺达", "CPMS", code)
    result = matcher.match("永旺达 合页")
    assert (
        codes(result)[0] == HINGE and result.candidates[0].features["query_coverage_names"] > 0.75
    )  # 0.32 if it counted in full


def test_a_records_head_follows_the_words_confirmations_show_to_name_no_product() -> None:
    """Heads are kept by a record's segments; a word that confirmations show to name no product (a
    brand over many classes' examples) is set aside in the heads worked out after, not before."""
    matcher = Matcher.from_bundles([load_cpms()])
    index = matcher._index(matcher._loaded, "CPMS", None)
    profile = read_record("永旺 合页").profile
    assert "永旺" in index.heads(profile).modifier_terms  # before the head, it may narrow it
    for name in ["六角螺母", "平垫圈", "弹簧垫圈", "球阀", "三通", "弯头", "卷尺", "羊角锤", "角阀"]:
        matcher.confirm(f"{name} 永旺", "CPMS", codes(matcher.match(name))[0])
    assert "永旺" in index.spread_words
    assert "永旺" not in index.heads(profile).modifier_terms


def test_a_text_takes_a_side_only_when_it_takes_one() -> None:
    """`Stances.taken`: the side of each exclusive group a text takes alone, with its first word;
    a text that names both sides takes neither, and contradicts no candidate there."""
    left = stances("左旋螺母 反牙")
    assert [word for _, word in left.taken.values()] == ["左旋"]
    both = stances("左旋 右旋 螺母")
    assert both.sides and not both.taken
    right = stances("右旋螺母")
    assert contradictions(left, right, right) == [("左旋", "右旋")]
    assert contradictions(both, right, right) == []
