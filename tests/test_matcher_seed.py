"""The matcher on the real CPMS hardware standard of the seed, with records as Yongkang catalogs
write them: materials and sizes run into the name, grades or no grade, traditional script."""

from __future__ import annotations

import pytest

from matchers import Decision, Matcher, MatchResult, Thresholds
from matchers.decide import decide
from seed_data.cpms_standard import load_cpms

HEX_BOLT = "21010100-N"  # 六角头螺栓


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.from_bundles([load_cpms()])


def values(result: MatchResult) -> dict[str, object]:
    return {v.property: v.value if v.value is not None else v.number for v in result.values}


def test_the_readme_example_is_matched_with_its_values(matcher: Matcher) -> None:
    result = matcher.match("304不锈钢六角螺栓 M8*30 镀锌")
    assert result.decision is not Decision.none and result.top is not None and result.top.code == HEX_BOLT
    assert result.top.score > 60 and result.top.score - result.candidates[1].score > 50  # it was 27.8, none
    assert values(result) == {
        "material": "ss304", "surface_treatment": "zinc_plated", "thread_size": "M8", "nominal_length": 30.0,
        "head_type": "hex",
    }  # fmt: skip
    assert not result.conflicts


@pytest.mark.parametrize(
    "text",
    [
        "304不锈钢六角螺栓M8*30镀锌",
        "六角螺栓 M8*30 镀锌 304不锈钢",
        "不锈钢304外六角螺栓 m8×30",
        "ｍ８×３０ 六角頭螺栓 不鏽鋼",
        "不锈钢304六角螺丝M8*30 外六角 镀锌",  # the issue's: 外六角螺丝 ranks first, 六角螺丝 has the word
    ],
)
def test_where_the_values_stand_does_not_change_the_answer(matcher: Matcher, text: str) -> None:
    result = matcher.match(text)
    assert result.top is not None and result.top.code == HEX_BOLT, text
    assert result.top.features["token_set"] == 1.0


def test_a_hex_bolt_is_not_taken_for_a_socket_screw(matcher: Matcher) -> None:
    best = matcher.match("六角螺栓").top
    assert best is not None and best.code == HEX_BOLT


def test_stainless_without_a_grade_is_kept_as_written_not_guessed(matcher: Matcher) -> None:
    result = matcher.match("不锈钢合页 4寸")
    [material] = [v for v in result.values if v.property == "material"]
    assert (material.value, material.text) == (None, "不锈钢")
    assert not [c for c in result.conflicts if c.property == "material"]


def test_knife_steel_grades_are_read(matcher: Matcher) -> None:
    assert values(matcher.match("3Cr13不锈钢 菜刀"))["material"] == "cr13_3"
    assert values(matcher.match("厨师刀 5Cr15MoV"))["material"] == "cr15mov_5"


def test_a_material_goes_to_material_not_to_another_propertys_material(matcher: Matcher) -> None:
    result = matcher.match("尖嘴钳 6寸 铬钒钢")  # pliers have a material and a handle material
    assert values(result)["material"] == "crv_steel"
    assert "handle_material" not in values(result) and not result.conflicts


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("合页", "23010000-Y"),
        ("六角螺母 M8", "21030100-X"),
        ("Hex nut M8 zinc plated", "21030100-X"),
        ("自攻螺丝", "21020300-C"),
        ("扳手", "25010000-5"),
    ],
)
def test_a_generic_name_goes_to_its_own_class_not_to_a_narrower_one(matcher: Matcher, text: str, code: str) -> None:
    """The narrower classes' texts repeat their parent's words, so they match a generic name
    almost as well; what the record does not say about them must count."""
    best, runner_up = matcher.match(text).candidates[:2]
    assert best.code == code, text
    assert best.score > runner_up.score + 5, (text, best.score, runner_up.score)


def test_a_generic_name_with_a_narrower_class_s_standard_goes_to_that_class(matcher: Matcher) -> None:
    result = matcher.match("六角螺母 GB/T 6170 M8")
    assert result.decision is Decision.review and result.top is not None and result.top.code == "21030101-V"


def test_a_name_that_contradicts_its_standard_is_sent_to_review(matcher: Matcher) -> None:
    """A fully threaded bolt named with the partly threaded bolt's DIN 931: the name and the
    standard each name a class (the standard names its own as well as a name does), the two are
    the first two, and a person decides."""
    result = matcher.match("全螺纹六角螺栓 M8x30 DIN 931")
    best, runner_up = result.candidates[:2]
    assert decide([best.score, runner_up.score], Thresholds()) is Decision.review  # not auto even at 80
    assert {best.code, runner_up.code} == {"21010102-J", "21010101-L"}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("D71X-16 对夹蝶阀 DN100", "24010600-6"),  # 蝶阀
        ("Wafer butterfly valve DN80 PN16 EPDM seat", "24010600-6"),
        ("全铜冷热水龙头 4分", "24010700-Z"),  # 水龙头
        ('brass kitchen faucet 1/2"', "24010700-Z"),
        ("重型管钳 18寸", "25010700-N"),  # 管钳
        ("铝合金水平尺 600mm 磁性", "25050200-9"),  # 水平尺
        ("0-150mm 游标卡尺", "25050301-0"),  # 游标卡尺
        ("数显卡尺 0-150mm 电子卡尺", "25050303-W"),  # 数显卡尺
        ("钢板尺 1米", "25050400-U"),  # 钢直尺, not the tape measure
        ("18mm美工刀 SK5", "25060100-M"),  # 美工刀
        ("美工刀片 18mm SK5 10片装", "25060200-E"),  # its blades
        ("航空剪 10寸 直头", "25060301-4"),  # 铁皮剪
        ("钢锯条 300mm 双金属", "25060500-R"),  # 锯条, not the hacksaw
        ("4寸万向轮 带刹车 PU", "23040201-V"),  # 万向轮
        ("rigid castor 100mm rubber", "23040202-T"),  # 定向轮, not the rubber mallet
        ("阻尼缓冲三节滑轨 400mm 1.2mm厚", "23040100-4"),  # 抽屉滑轨, not a soft-close hinge
        ("化学锚栓 M12*160", "21060300-W"),  # 化学锚栓, not the expansion anchor
        ("钢质防盗安全门 子母门 左内开", "28010000-N"),  # 防盗门
        ("防盗门锁 天地锁", "22010203-T"),  # the lock of a security door is still a lock
    ],
)
def test_products_of_the_pilot_catalogs_find_their_class(matcher: Matcher, text: str, code: str) -> None:
    result = matcher.match(text)
    assert result.candidates and result.candidates[0].code == code, text


def test_a_butterfly_valve_record_fills_its_template(matcher: Matcher) -> None:
    result = matcher.match("涡轮法兰蝶阀 DN150 球墨铸铁 PN16")
    assert result.decision is Decision.review and result.top is not None and result.top.code == "24010600-6"
    assert values(result) == {
        "pipe_size": "6in", "material": "ductile_iron", "connection_type": "flange", "pressure_rating": "PN16",
        "valve_operator": "worm_gear",
    }  # fmt: skip


def test_a_chemical_anchor_reads_like_a_bolt(matcher: Matcher) -> None:
    result = matcher.match("化学螺栓 M16×190 镀锌 8.8级")
    assert result.decision is Decision.review and result.top is not None and result.top.code == "21060300-W"
    assert values(result)["thread_size"] == "M16" and values(result)["nominal_length"] == 190.0


def test_castor_words_the_extractor_does_not_know_are_found_on_the_template(matcher: Matcher) -> None:
    result = matcher.match("2.5寸 万向刹车轮 平板 PU")
    assert result.top is not None and result.top.code == "23040201-V"
    assert {k: v for k, v in values(result).items() if k in ("wheel_material", "brake", "caster_mounting")} == {
        "wheel_material": "polyurethane", "brake": "brake", "caster_mounting": "top_plate",
    }  # fmt: skip


@pytest.mark.parametrize(("text", "code"), [("security door lock", "22010203-T"), ("lock washer M10", "21040200-U")])
def test_a_word_only_a_definition_gives_does_not_make_a_class(matcher: Matcher, text: str, code: str) -> None:
    """A security door's definition names its lock, a washer's says it may lock the joint: the
    lock and the lock washer are what these records name (`query_coverage_names`)."""
    best, runner_up = matcher.match(text).candidates[:2]
    assert best.code == code
    assert best.score > 2 * runner_up.score, (text, best.score, runner_up.score)
