"""The whole seed in the real Neo4j: counts per scheme, idempotence, mappings, Chinese search."""

from __future__ import annotations

import pytest

from ontology.exporting import export_bundle, list_schemes
from ontology.queries import get_class, search
from ontology.store import Store
from seed_data.seeding import LOADERS, seed


@pytest.fixture(scope="module")
def seeded(session_store: Store) -> Store:
    from ontology.maintenance import wipe

    wipe(session_store)
    seed(session_store, log=lambda _: None)
    return session_store


def test_every_scheme_is_loaded_in_full(seeded: Store) -> None:
    assert {s["code"] for s in list_schemes(seeded)} == {code for code, _ in LOADERS}
    for code, loader in LOADERS:
        expected = loader()
        stored = export_bundle(seeded, code)
        assert len(stored.classes) == len(expected.classes), code
        assert len(stored.items) == len(expected.items), code
        assert len(stored.mappings) == len(expected.mappings), code
        assert sum(len(p.values) for p in stored.properties) == sum(len(p.values) for p in expected.properties)


def test_seed_again_changes_nothing(seeded: Store) -> None:
    assert seed(seeded, log=lambda _: None) == {}


def test_cpms_classes_map_to_external_schemes(seeded: Store) -> None:
    mappings = export_bundle(seeded, "CPMS").mappings
    assert {m.to_scheme for m in mappings} == {"UNSPSC", "GPC", "HS"}


def test_chinese_search_on_real_data(seeded: Store) -> None:
    hits = search(seeded, "六角螺栓", scheme="CPMS", limit=5)
    assert hits, "a hexagon bolt class or item is found"
    assert any("六角" in h.label for h in hits)
    unspsc = search(seeded, "螺栓", scheme="UNSPSC", limit=5)
    assert unspsc and all(h.scheme == "UNSPSC" for h in unspsc)
    hs = search(seeded, "挂锁", scheme="HS", limit=5)
    assert any(h.code.startswith("8301") for h in hs)


def test_inherited_template_on_a_seed_class(seeded: Store) -> None:
    item = export_bundle(seeded, "CPMS").items[0]
    view = get_class(seeded, "CPMS", item.class_code)
    template = {t.property for t in view.template}
    assert {v.property for v in item.values} <= template
