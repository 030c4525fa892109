"""Attribute extraction from product records, and the unit helpers it uses."""

from __future__ import annotations

import pytest

from common.units import UNITS, UnitError, convert, read_unit, to_base
from matchers import notations
from matchers.extract import extract
from matchers.normalize import UNIT_SPELLINGS
from matchers.profile import read_record
from matchers.units import format_number


def pairs(text: str, columns: dict[str, str] | None = None) -> set[tuple[str, str]]:
    return {(f.key, f.value) for f in extract(text, columns).found}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("304不锈钢六角螺栓 M8*30 镀锌",
         {("thread_size", "M8"), ("length", "30"), ("material", "stainless_304"), ("drive_type", "hex_head"),
          ("surface_treatment", "zinc_plated")}),
        ("不锈钢304六角螺丝M8*30 外六角 镀锌",
         {("thread_size", "M8"), ("length", "30"), ("material", "stainless_304"), ("drive_type", "hex_head"),
          ("surface_treatment", "zinc_plated")}),
        ("SUS304 hex bolt M8x30",
         {("thread_size", "M8"), ("length", "30"), ("material", "stainless_304"), ("drive_type", "hex_head")}),
        ("Ｍ８×３０", {("thread_size", "M8"), ("length", "30")}),
        ("M8X30", {("thread_size", "M8"), ("length", "30")}),
        ("M8", {("thread_size", "M8")}),
        ("M10*1.25*50", {("thread_size", "M10x1.25"), ("thread_pitch", "1.25"), ("length", "50")}),
        ("M12x1.5", {("thread_size", "M12x1.5"), ("thread_pitch", "1.5")}),
        ("M3x4", {("thread_size", "M3"), ("length", "4")}),
        ("M8-M12", {("thread_size", "M8"), ("thread_size", "M12")}),
        ("4分 黄铜球阀", {("pipe_size", '1/2"'), ("dn", "DN15"), ("material", "brass")}),
        ("6分", {("pipe_size", '3/4"'), ("dn", "DN20")}),
        ("2分", {("pipe_size", '1/4"'), ("dn", "DN8")}),
        ("一寸球阀", {("pipe_size", '1"'), ("dn", "DN25")}),
        ("一寸二 闸阀", {("pipe_size", '1-1/4"'), ("dn", "DN32")}),
        ("1.5寸弯头", {("pipe_size", '1-1/2"'), ("dn", "DN40")}),
        ("DN20", {("dn", "DN20"), ("pipe_size", '3/4"')}),
        ("DN18", {("dn", "DN18")}),
        ("DN25", {("dn", "DN25"), ("pipe_size", '1"')}),
        ("DN50", {("dn", "DN50"), ("pipe_size", '2"')}),
        ('1/2"', {("pipe_size", '1/2"'), ("dn", "DN15")}),
        ('1-1/4" 球阀', {("pipe_size", '1-1/4"'), ("dn", "DN32")}),
        ("Φ10", {("diameter", "10")}),
        ("φ10mm", {("diameter", "10")}),
        ("直径1cm", {("diameter", "10")}),
        ("8.8级", {("property_class", "8.8")}),
        ("10.9", {("property_class", "10.9")}),
        ("A2-70", {("property_class", "A2-70")}),
        ("A4-80", {("property_class", "A4-80")}),
        ("A2/70", {("property_class", "A2-70")}),  # as some catalogs write it
        ("201", {("material", "stainless_201")}),
        ("SUS316", {("material", "stainless_316")}),
        ("316L", {("material", "stainless_316l")}),
        ("ss 304", {("material", "stainless_304")}),
        ("0Cr18Ni9", {("material", "stainless_304")}),
        ("06Cr19Ni10", {("material", "stainless_304")}),
        ("不锈钢", {("material", "stainless_steel")}),
        ("410不锈钢", {("material", "stainless_410")}),
        ("3Cr13不锈钢", {("material", "stainless_3cr13")}),
        ("5Cr15MoV", {("material", "stainless_5cr15mov")}),
        ("锌合金", {("material", "zinc_alloy")}),
        ("碳钢", {("material", "carbon_steel")}),
        ("铝合金", {("material", "aluminium")}),
        ("热镀锌", {("surface_treatment", "hot_dip_galvanized")}),
        ("镀锌", {("surface_treatment", "zinc_plated")}),
        ("蓝白锌", {("surface_treatment", "zinc_plated")}),
        ("彩锌", {("surface_treatment", "zinc_plated")}),
        ("发黑", {("surface_treatment", "black_oxide")}),
        ("达克罗", {("surface_treatment", "dacromet")}),
        ("镀铜", {("surface_treatment", "copper_plated")}),
        ("内六角", {("drive_type", "hex_socket")}),
        ("外六角", {("drive_type", "hex_head")}),
        ("十字", {("drive_type", "cross")}),
        ("一字", {("drive_type", "slotted")}),
        ("沉头", {("head_type", "countersunk")}),
        ("盘头", {("head_type", "pan")}),
        ("十字沉头自攻螺丝", {("drive_type", "cross"), ("head_type", "countersunk")}),
        ("GB/T 5783", {("standard", "GB/T 5783")}),
        ("GB5783", {("standard", "GB 5783")}),
        ("GB/T5783-2016", {("standard", "GB/T 5783")}),
        ("GB/T 70.1", {("standard", "GB/T 70.1")}),
        ("DIN933", {("standard", "DIN 933")}),
        ("ISO 4017", {("standard", "ISO 4017")}),
        ("18V", {("voltage", "18")}),
        ("12V/18V", {("voltage", "12"), ("voltage", "18")}),
        ("AC220V", {("voltage", "220")}),
        ("800W", {("power", "800")}),
        ("1.2千瓦", {("power", "1200")}),
        ("3000r/min", {("speed", "3000")}),
        ("3000转", {("speed", "3000")}),
        ("50N.m", {("torque", "50")}),
        ("8寸活动扳手", {("size_inch", "8"), ("length", "200")}),
        ("10寸管钳", {("size_inch", "10"), ("length", "250")}),
        ("4寸合页", {("size_inch", "4"), ("length", "100")}),
        ("200mm", {("length", "200")}),
        ("2.5m", {("length", "2500")}),
        ("3mm厚", {("thickness", "3")}),
        ("厚度2mm", {("thickness", "2")}),
        ("500ml", {("capacity", "500")}),
        ("1.5L", {("capacity", "1500")}),
        ("2kg", {("weight", "2000")}),
        ("型号: ABC-123", {("model", "abc-123")}),
        ("品牌: 史丹利 扳手", {("brand", "史丹利")}),
    ],
)  # fmt: skip
def test_extract(text: str, expected: set[tuple[str, str]]) -> None:
    assert pairs(text) == expected


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("3040", "material"),
        ("型号3040", "material"),
        ("201个", "material"),
        ("M8x201", "material"),
        ("SM8000", "thread_size"),
        ("M8000", "thread_size"),
        ("M7.5", "thread_size"),
        ("18.8", "property_class"),
        ("8.85", "property_class"),
        ("128.8", "property_class"),
        ("4.8V电池", "property_class"),
        ("4.8元", "property_class"),
        ("热镀锌", "surface_treatment:zinc_plated"),
        ("304不锈钢", "material:stainless_steel"),
        ("GB/T5783-2016", "material"),
        ("5分钟", "pipe_size"),
        ("5分", "pipe_size"),
        ("梅花扳手", "drive_type"),
        ("型号齐全", "model"),
        ("规格型号 M8*30", "model"),
        ("SM8000 电钻", "model"),
        ("品牌保证", "brand"),
        ("hexagon", "drive_type"),
        ("brassy", "material"),
    ],
)
def test_no_false_positive(text: str, absent: str) -> None:
    found = pairs(text)
    key, _, value = absent.partition(":")
    assert not any(k == key and (not value or v == value) for k, v in found), found


def test_quantities_carry_numbers_in_base_units() -> None:
    found = {f.key: f for f in extract("M10*1.25*50 Φ1cm 1.5L 1.2kw 8寸扳手").found}
    assert (found["thread_size"].number, found["thread_size"].unit) == (10.0, "MMT")
    assert (found["thread_pitch"].number, found["thread_pitch"].unit) == (1.25, "MMT")
    assert (found["diameter"].number, found["diameter"].unit) == (10.0, "MMT")
    assert (found["capacity"].number, found["capacity"].unit) == (1500.0, "MLT")
    assert (found["power"].number, found["power"].unit) == (1200.0, "WTT")
    assert (found["size_inch"].number, found["size_inch"].unit) == (8.0, "INH")
    lengths = sorted(f.number or 0.0 for f in extract("M10*1.25*50 Φ1cm 1.5L 1.2kw 8寸扳手").found if f.key == "length")
    assert lengths == [50.0, 200.0]


@pytest.mark.parametrize(
    ("text", "inches", "dn"), [("4分球阀", 0.5, 15.0), ("DN25", 1.0, 25.0), ("2寸闸阀", 2.0, 50.0)]
)
def test_pipe_size_carries_inches_and_dn_its_number(text: str, inches: float, dn: float) -> None:
    found = {f.key: f for f in extract(text).found}
    assert (found["pipe_size"].number, found["pipe_size"].unit) == (inches, "INH")
    assert found["dn"].number == dn
    assert isinstance(found["pipe_size"].number, float) and isinstance(found["dn"].number, float)


def test_spans_point_into_the_normalized_text() -> None:
    extraction = extract("【热卖】不锈钢304六角螺丝M8*30 外六角 镀锌 GB/T 5783-2016")
    assert extraction.text == "不锈钢304六角螺丝m8x30 外六角 镀锌 gb/t5783-2016"
    for f in extraction.found:
        start, end = f.span
        assert extraction.text[start:end] == f.text
        assert f.source == "text"
    standard = extraction.get("standard")
    assert standard is not None and standard.text == "gb/t5783-2016"  # the year stays in the source text


def test_inch_without_context_is_ambiguous() -> None:
    (found,) = extract("4寸").found
    assert (found.key, found.value, found.ambiguous) == ("size_inch", "4", True)
    assert not any(f.ambiguous for f in extract("4寸合页").found)
    assert not any(f.ambiguous for f in extract("4寸球阀").found)


def test_tool_words_win_over_pipe_words() -> None:
    assert ("size_inch", "10") in pairs("10寸管钳")
    assert ("pipe_size", '4"') in pairs("4寸 管件")


def test_a_fraction_with_a_tool_word_is_a_size_without_length() -> None:
    assert pairs('1/2" 套筒') == {("size_inch", "0.5")}


def test_columns_take_precedence_and_record_their_source() -> None:
    extraction = extract(
        "六角螺栓 M8*30 201 镀锌",
        {"材质": "SUS304", "规格": "M8*40", "品牌": "Stanley", "型号": "SK-8", "价格": "12.5"},
    )
    by_key = {f.key: f for f in extraction.found}
    assert (by_key["material"].value, by_key["material"].source) == ("stainless_304", "column:材质")
    assert extraction.values("material") == ["stainless_304"]
    assert (by_key["length"].value, by_key["length"].source) == ("40", "column:规格")
    assert (by_key["thread_size"].value, by_key["thread_size"].source) == ("M8", "column:规格")
    assert (by_key["brand"].value, by_key["brand"].source) == ("stanley", "column:品牌")
    assert (by_key["model"].value, by_key["model"].source) == ("sk-8", "column:型号")
    assert (by_key["surface_treatment"].source, by_key["drive_type"].source) == ("text", "text")
    assert "property_class" not in by_key  # 12.5 is a price column, which is ignored


@pytest.mark.parametrize("name", ["material", "Material", "材质", "材料"])
def test_material_column_names(name: str) -> None:
    material = extract("", {name: "黄铜"}).get("material")
    assert material is not None and material.source == f"column:{name}"


def test_context_for_inch_comes_from_text_and_columns() -> None:
    assert pairs("合页", {"规格": "4寸"}) == {("size_inch", "4"), ("length", "100")}
    assert pairs("4寸", {"品名": "合页"}) == {("size_inch", "4")}  # 品名 is not a column extract reads


def test_nothing_found_in_plain_words() -> None:
    extraction = extract("螺丝")
    assert extraction.found == ()
    assert extraction.get("material") is None
    assert extraction.values("material") == []


def test_each_spelling_names_one_attribute() -> None:
    seen: dict[str, str] = {}
    for key, words in notations.VOCABULARY.items():
        for word in words:
            assert word not in seen, f"{word!r} is both {seen[word]} and {key}"
            seen[word] = key


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [(8, "INH", "MMT", 203.2), (1.5, "LTR", "MLT", 1500.0), (2500, "MMT", "MTR", 2.5), (1.2, "KWT", "WTT", 1200.0)],
)
def test_convert(value: float, source: str, target: str, expected: float) -> None:
    assert convert(value, source, target) == pytest.approx(expected)


def test_convert_refuses_other_quantities_and_unknown_units() -> None:
    with pytest.raises(UnitError):
        convert(1, "MMT", "KGM")
    with pytest.raises(UnitError):
        to_base(1, "furlong")


def test_to_base_and_format_number() -> None:
    assert to_base(2, "CMT") == (20.0, "MMT")
    assert [format_number(x) for x in (30.0, 1.25, 2016.0, 0.5)] == ["30", "1.25", "2016", "0.5"]


def test_one_unit_registry_serves_text_and_ontology() -> None:
    assert {u.code for u in UNITS.values() if u.text} >= {"MMT", "CMT", "MTR", "INH", "GRM", "KGM", "MLT", "LTR", "NU"}
    assert UNIT_SPELLINGS["英寸"] == UNIT_SPELLINGS['"'] == UNITS["INH"].text == "inch"
    assert "寸" not in UNIT_SPELLINGS and "分" not in UNIT_SPELLINGS  # pipe size or length: read in context
    read = [read_unit(spelling) for spelling in ("MMT", "mm", "N·m", "L", "kW")]
    assert [u.code if u else None for u in read] == ["MMT", "MMT", "NU", "LTR", "KWT"]
    assert read_unit("furlong") is None


def test_values_are_set_apart_from_the_name_for_the_fuzzy_scorers() -> None:
    assert read_record("304不锈钢六角螺栓M8*30镀锌").profile.spaced == "304 不锈钢 六角螺栓 m8x30 镀锌"
    assert read_record("外六角螺栓").profile.spaced == "外六角螺栓"  # a word of the name stays in it
