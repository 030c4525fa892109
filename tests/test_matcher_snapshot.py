"""The snapshot: built from bundles, an export file or plain records; immutable; templates
inherited; record-to-record matching over a catalog."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from common.errors import UnknownScheme
from matchers import Matcher, Snapshot
from ontology.model import ConceptClass, Labels
from tests.matcher_bundles import BOLT_M8X30, BOLTS, CPMS, FASTENERS, HEX_BOLT, OTHER


def test_a_class_inherits_its_ancestors_template() -> None:
    hex_bolt = Snapshot.from_bundles([CPMS]).scheme("CPMS").classes[HEX_BOLT]
    assert [p.code for p in hex_bolt.template] == [
        "material", "surface_treatment", "thread_size", "nominal_length", "product_standard", "property_class",
    ]  # fmt: skip
    assert hex_bolt.ancestors == (BOLTS, FASTENERS)
    assert next(p for p in hex_bolt.template if p.code == "thread_size").required


def test_an_item_has_its_class_template_and_values() -> None:
    item = Snapshot.from_bundles([CPMS]).scheme("CPMS").items[BOLT_M8X30]
    assert item.ancestors[0] == HEX_BOLT
    assert {v.property for v in item.values} >= {"thread_size", "nominal_length"}
    assert len(item.template) == 6


def test_the_snapshot_is_immutable() -> None:
    snapshot = Snapshot.from_bundles([CPMS])
    concept = snapshot.scheme("CPMS").classes[HEX_BOLT]
    with pytest.raises(dataclasses.FrozenInstanceError):
        concept.label = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        snapshot.scheme("CPMS").classes["x"] = concept  # type: ignore[index]


def test_an_unknown_scheme_names_the_known_ones() -> None:
    with pytest.raises(UnknownScheme, match="CPMS, UNSPSC"):
        Snapshot.from_bundles([CPMS, OTHER]).scheme("GPC")


@pytest.mark.parametrize("as_list", [True, False])
def test_a_matcher_reads_the_export_format(tmp_path: Path, as_list: bool) -> None:
    data = CPMS.model_dump(mode="json", by_alias=True)
    path = tmp_path / "export.json"
    path.write_text(json.dumps([data] if as_list else data, ensure_ascii=False), encoding="utf-8")
    assert Matcher.from_file(path).match("外六角螺栓 M8").candidates[0].code == HEX_BOLT


def test_records_of_one_catalog_are_matched_to_another() -> None:
    catalog = [
        {"id": "S-1", "品名": "内六角圆柱头螺钉", "规格": "M6*20", "材质": "304"},
        {"id": "S-2", "品名": "内六角圆柱头螺钉", "规格": "M6*25", "材质": "304"},
        {"id": "S-3", "品名": "活动扳手", "规格": "8寸"},
    ]
    matcher = Matcher.from_records(catalog, scheme="SUPPLIER")
    result = matcher.match({"name": "杯头螺丝", "spec": "M6x25", "material": "SUS304"})
    assert result.kind == "item"
    assert [c.code for c in result.candidates[:2]] == ["S-2", "S-1"]
    assert matcher.match("活扳手 200mm").candidates[0].code == "S-3"


def test_match_many_is_lazy() -> None:
    matcher = Matcher.from_bundles([CPMS])
    results = matcher.match_many(iter(["外六角螺栓", "合页"]))
    assert next(results).candidates[0].code == HEX_BOLT


def test_labels_are_kept_in_every_language_and_matched_once() -> None:
    hinge = ConceptClass(code="99000000-1", level=1, labels=Labels(zh_hans="铰链", zh_hant="鉸鏈", en="Hinge"))
    bundle = CPMS.model_copy(update={"classes": [hinge]})
    concept = Snapshot.from_bundles([bundle]).scheme("CPMS").classes[hinge.code]
    assert concept.labels == (("zh-Hans", "铰链"), ("zh-Hant", "鉸鏈"), ("en", "Hinge"))
    assert concept.texts == ("铰链", "Hinge")
