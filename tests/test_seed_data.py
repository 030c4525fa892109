"""The seed schemes, loaded from the real source files in seed_data/sources and seed_data/cpms."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from ontology.codes import class_digits, validate_cpms_code
from ontology.model import ConceptClass, DataType, Property, SchemeBundle
from seed_data import load_all, load_cpms, load_gpc, load_hs, load_unspsc
from seed_data.gpc import UNLINKED_VALUES
from seed_data.source_files import read_lines

HAN = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="session")
def bundles() -> dict[str, SchemeBundle]:
    return {bundle.scheme.code: bundle for bundle in load_all()}


@pytest.fixture(scope="session")
def cpms(bundles: dict[str, SchemeBundle]) -> SchemeBundle:
    return bundles["CPMS"]


def classes_by_code(bundle: SchemeBundle) -> dict[str, ConceptClass]:
    return {c.code: c for c in bundle.classes}


def template(bundle: SchemeBundle, code: str) -> set[str]:
    """Property codes of a class's template, inherited ones included."""
    classes = classes_by_code(bundle)
    found: set[str] = set()
    current: str | None = code
    while current is not None:
        found |= {cp.property for cp in classes[current].properties}
        current = classes[current].parent
    return found


def test_load_all_returns_the_four_schemes(bundles: dict[str, SchemeBundle]) -> None:
    assert list(bundles) == ["UNSPSC", "GPC", "HS", "CPMS"], "external schemes first: CPMS maps onto them"


def test_each_loader_builds_its_scheme() -> None:
    assert [f().scheme.code for f in (load_cpms, load_unspsc, load_gpc, load_hs)] == ["CPMS", "UNSPSC", "GPC", "HS"]


@pytest.mark.parametrize("code", ["CPMS", "UNSPSC", "GPC", "HS"])
def test_bundle_survives_a_json_round_trip(bundles: dict[str, SchemeBundle], code: str) -> None:
    bundle = bundles[code]
    assert SchemeBundle.model_validate_json(bundle.model_dump_json(by_alias=True)) == bundle


@pytest.mark.parametrize("code", ["CPMS", "UNSPSC", "GPC", "HS"])
def test_codes_are_unique(bundles: dict[str, SchemeBundle], code: str) -> None:
    bundle = bundles[code]
    for codes in (
        [c.code for c in bundle.classes],
        [i.code for i in bundle.items],
        [p.code for p in bundle.properties],
        [u.code for u in bundle.units],
    ):
        assert [c for c, n in Counter(codes).items() if n > 1] == []
    for prop in bundle.properties:
        assert [c for c, n in Counter(v.code for v in prop.values).items() if n > 1] == [], prop.code


@pytest.mark.parametrize("code", ["CPMS", "UNSPSC", "GPC", "HS"])
def test_every_parent_exists_one_level_up(bundles: dict[str, SchemeBundle], code: str) -> None:
    classes = classes_by_code(bundles[code])
    for c in classes.values():
        if c.parent is None:
            assert c.level == 1, c.code
        else:
            assert classes[c.parent].level == c.level - 1, c.code


@pytest.mark.parametrize("code", ["CPMS", "UNSPSC", "GPC", "HS"])
def test_class_codes_match_the_scheme_pattern(bundles: dict[str, SchemeBundle], code: str) -> None:
    bundle = bundles[code]
    assert bundle.scheme.code_pattern
    pattern = re.compile(bundle.scheme.code_pattern)
    assert [c.code for c in bundle.classes if not pattern.match(c.code)] == []


# ---------------------------------------------------------------- UNSPSC


def test_unspsc_has_every_code_of_the_library(bundles: dict[str, SchemeBundle]) -> None:
    unspsc = bundles["UNSPSC"]
    assert len(unspsc.classes) == 20_789
    assert Counter(c.level for c in unspsc.classes) == {1: 55, 2: 352, 3: 2_032, 4: 18_350}
    assert all(c.labels.en for c in unspsc.classes)


def test_unspsc_chinese_titles(bundles: dict[str, SchemeBundle]) -> None:
    classes = classes_by_code(bundles["UNSPSC"])
    assert sum(1 for c in classes.values() if c.labels.zh_hans) == 19_683
    assert classes["46171501"].labels.zh_hans == "挂锁"
    assert classes["46171501"].labels.en == "Padlocks"
    assert classes["31161500"].parent == "31160000"


# ---------------------------------------------------------------- GPC


def test_gpc_has_every_row_of_the_hierarchy(bundles: dict[str, SchemeBundle]) -> None:
    gpc = bundles["GPC"]
    rows = read_lines("gpc-hier.tsv")
    bricks = sum(1 for row in rows if row.endswith("(GPC brick)"))
    assert len(gpc.classes) == len(rows)
    assert sum(1 for c in gpc.classes if c.level == 4) == bricks == 4_989


def test_gpc_parents_follow_the_depth_first_order(bundles: dict[str, SchemeBundle]) -> None:
    classes = classes_by_code(bundles["GPC"])
    assert classes["10002574"].labels.en == "door closer"
    assert classes["10002574"].parent == "83011200"
    assert classes["83011200"].parent == "83010000"


def test_gpc_puts_back_the_suffix_the_exporter_moved(bundles: dict[str, SchemeBundle]) -> None:
    classes = classes_by_code(bundles["GPC"])
    assert classes["10007241"].labels.en == "hob pots/pans/woks/cocotte variety packs"
    assert classes["83012400"].labels.en == "building products - other"


def test_gpc_attribute_types_and_values(bundles: dict[str, SchemeBundle]) -> None:
    properties = {p.code: p for p in bundles["GPC"].properties}
    assert len(properties) == 2_072 + 1
    assert all(p.data_type is DataType.enum for p in properties.values())
    assert len(properties[UNLINKED_VALUES].values) == 13_285


# ---------------------------------------------------------------- HS


def test_hs_has_every_national_line_and_the_derived_levels(bundles: dict[str, SchemeBundle]) -> None:
    hs = bundles["HS"]
    lines = [c for c in hs.classes if c.level == 4]
    assert len(lines) == 12_228
    assert all(len(c.code) == 10 for c in lines)
    by_level = Counter(c.level for c in hs.classes)
    assert by_level[3] == len({c.code[:6] for c in lines})
    assert by_level[2] == len({c.code[:4] for c in lines})
    assert by_level[1] == len({c.code[:2] for c in lines}) == 97


def test_hs_labels_come_in_three_scripts(bundles: dict[str, SchemeBundle]) -> None:
    classes = classes_by_code(bundles["HS"])
    screws = classes["7318159000"]
    assert screws.labels.zh_hant == "其他鋼鐵製螺釘及螺栓，有否附螺帽及墊圈均在內"
    assert screws.labels.zh_hans == "其他钢铁制螺钉及螺栓，有否附螺帽及垫圈均在内"
    assert screws.labels.en == "Other screws and bolts, whether or not with their nuts or washers, of iron or steel"
    assert all(c.labels.zh_hans and c.labels.zh_hant and c.labels.en for c in classes.values())


def test_hs_simplified_labels_are_converted(bundles: dict[str, SchemeBundle]) -> None:
    lines = [c for c in bundles["HS"].classes if c.level == 4]
    changed = sum(1 for c in lines if c.labels.zh_hans != c.labels.zh_hant)
    assert changed > len(lines) * 0.9
    assert not any("鋼" in (c.labels.zh_hans or "") for c in lines)


def test_hs_derived_labels(bundles: dict[str, SchemeBundle]) -> None:
    classes = classes_by_code(bundles["HS"])
    assert classes["7318"].labels.en == "Heading 7318"
    assert classes["731815"].labels.en == "Subheading 7318.15"
    assert classes["830110"].labels == classes["8301100000"].labels


# ---------------------------------------------------------------- CPMS


def test_cpms_codes_pass_the_check(cpms: SchemeBundle) -> None:
    for code in [c.code for c in cpms.classes] + [i.code for i in cpms.items]:
        assert validate_cpms_code(code) == code
    assert all(validate_cpms_code(m.from_code) for m in cpms.mappings)


def test_cpms_class_levels_follow_the_digits(cpms: SchemeBundle) -> None:
    assert 60 <= len(cpms.classes) <= 200
    for c in cpms.classes:
        digits = class_digits(c.code)
        assert c.level == len([digits[i : i + 2] for i in range(0, 8, 2) if digits[i : i + 2] != "00"])


def test_cpms_classes_have_labels_definitions_and_synonyms(cpms: SchemeBundle) -> None:
    for c in cpms.classes:
        assert c.labels.zh_hans and c.labels.zh_hant and c.labels.en, c.code
        assert HAN.search(c.labels.zh_hans), c.code
        assert c.definition and c.definition.en, c.code
        langs = {s.lang for s in c.synonyms}
        assert {"zh-Hans", "en"} <= langs, c.code


def test_cpms_traditional_labels_are_converted(cpms: SchemeBundle) -> None:
    classes = {c.labels.zh_hans: c for c in cpms.classes}
    assert classes["六角头螺栓"].labels.zh_hant == "六角頭螺栓"
    assert classes["合页"].labels.zh_hant == "合頁"
    assert classes["干壁钉"].labels.zh_hant == "乾壁釘"


def test_cpms_trade_synonyms(cpms: SchemeBundle) -> None:
    words = {s.text: c.labels.en for c in cpms.classes for s in c.synonyms}
    assert words["铰链"] == "Hinges"
    assert words["扳子"] == "Wrenches"
    assert words["起子"] == "Screwdrivers"
    assert words["外六角螺丝"] == "Hexagon head bolts"
    assert words["SHCS"] == "Hexagon socket head cap screws"


def test_cpms_templates_name_known_properties(cpms: SchemeBundle) -> None:
    known = {p.code for p in cpms.properties}
    for c in cpms.classes:
        assert {cp.property for cp in c.properties} <= known, c.code


def test_cpms_properties_are_attached_once_per_branch(cpms: SchemeBundle) -> None:
    for c in cpms.classes:
        own = [cp.property for cp in c.properties]
        assert len(own) == len(set(own)), c.code
        inherited = template(cpms, c.parent) if c.parent else set()
        assert set(own).isdisjoint(inherited), c.code


def test_cpms_number_properties_have_known_units(cpms: SchemeBundle) -> None:
    units = {u.code for u in cpms.units}
    for p in cpms.properties:
        if p.data_type in (DataType.number, DataType.range):
            assert p.unit in units, p.code
        if p.data_type is DataType.enum:
            assert p.values, p.code


def test_cpms_units_convert_to_a_base_unit_of_their_quantity(cpms: SchemeBundle) -> None:
    units = {u.code: u for u in cpms.units}
    for unit in units.values():
        base = units[unit.base]
        assert base.quantity == unit.quantity and base.factor == 1.0, unit.code
    assert units["INH"].factor == pytest.approx(25.4 * units["MMT"].factor)
    assert units["MMT"].symbol == "mm" and "寸" in {s.text for s in units["INH"].synonyms}


def test_cpms_thread_sizes_cover_the_iso_tables(cpms: SchemeBundle) -> None:
    threads = {v.code for p in cpms.properties if p.code == "thread_size" for v in p.values}
    assert {"M1.6", "M8", "M8x1", "M64", "ST4.2"} <= threads


def test_cpms_pipe_sizes_answer_to_trade_names(cpms: SchemeBundle) -> None:
    pipe = next(p for p in cpms.properties if p.code == "pipe_size")
    names = {s.text: v.code for v in pipe.values for s in v.synonyms} | {v.labels.zh_hans: v.code for v in pipe.values}
    assert names["4分"] == names["DN15"] == "1/2in"
    assert names["6分"] == names["DN20"] == "3/4in"
    assert names["1寸2"] == "1-1/4in"


def test_cpms_mapping_targets_exist(bundles: dict[str, SchemeBundle], cpms: SchemeBundle) -> None:
    cpms_codes = {c.code for c in cpms.classes}
    targets = {code: {c.code for c in bundle.classes} for code, bundle in bundles.items() if code != "CPMS"}
    assert {m.to_scheme for m in cpms.mappings} == set(targets)
    for m in cpms.mappings:
        assert m.from_code in cpms_codes
        assert m.to_code in targets[m.to_scheme], f"{m.from_code} -> {m.to_scheme} {m.to_code}"
    assert len({(m.from_code, m.to_scheme, m.to_code) for m in cpms.mappings}) == len(cpms.mappings)


def test_cpms_has_thousands_of_items(cpms: SchemeBundle) -> None:
    assert len(cpms.items) >= 3_000


def test_cpms_item_values_fit_their_class_template(cpms: SchemeBundle) -> None:
    classes = classes_by_code(cpms)
    properties: dict[str, Property] = {p.code: p for p in cpms.properties}
    allowed = {code: {v.code for v in p.values} for code, p in properties.items()}
    templates = {code: template(cpms, code) for code in {i.class_code for i in cpms.items}}
    for item in cpms.items:
        assert item.class_code in classes
        assert validate_cpms_code(item.code)[:8] == class_digits(item.class_code)
        named = [v.property for v in item.values]
        assert len(named) == len(set(named)), item.code
        assert set(named) <= templates[item.class_code], item.code
        required = {cp.property for c in _lineage(classes, item.class_code) for cp in c.properties if cp.required}
        assert required <= set(named), item.code
        for value in item.values:
            if properties[value.property].data_type is DataType.enum:
                assert value.value in allowed[value.property], (item.code, value)
            else:
                assert value.number is not None and value.number > 0, (item.code, value)


def test_cpms_item_labels(cpms: SchemeBundle) -> None:
    items = {i.labels.zh_hans: i for i in cpms.items}
    item = items["六角头螺栓 GB/T 5783 M8×30 8.8级 镀锌"]
    assert item.labels.en == "Hexagon head screw GB/T 5783 M8x30 8.8 zinc plated"
    assert item.labels.zh_hant == "六角頭螺栓 GB/T 5783 M8×30 8.8級 鍍鋅"
    assert "Hexagon head screw ISO 4017 M8x30 8.8 zinc plated" in {s.text for s in item.synonyms}
    values = {v.property: v.value or v.number for v in item.values}
    assert values == {
        "thread_size": "M8",
        "nominal_length": 30.0,
        "material": "carbon_steel",
        "property_class": "8.8",
        "surface_treatment": "zinc_plated",
        "product_standard": "GB_T_5783",
        "head_type": "hex",
        "width_across_flats": 13.0,
    }


def test_cpms_items_respect_the_length_range_of_their_thread(cpms: SchemeBundle) -> None:
    lengths: dict[tuple[str, str], set[float]] = {}
    for item in cpms.items:
        values = {v.property: v for v in item.values}
        if "nominal_length" in values and values["product_standard"].value == "GB_T_5783":
            key = (values["thread_size"].value or "", values["material"].value or "")
            lengths.setdefault(key, set()).add(values["nominal_length"].number or 0)
    assert min(lengths[("M8", "carbon_steel")]) == 16 and max(lengths[("M8", "carbon_steel")]) == 80
    assert ("M36", "ss304") not in lengths


def test_cpms_item_codes_are_deterministic(cpms: SchemeBundle) -> None:
    again = load_cpms()
    assert [(i.code, i.labels.zh_hans) for i in again.items] == [(i.code, i.labels.zh_hans) for i in cpms.items]


def _lineage(classes: dict[str, ConceptClass], code: str) -> list[ConceptClass]:
    found = []
    current: str | None = code
    while current is not None:
        found.append(classes[current])
        current = classes[current].parent
    return found
