"""Import and export of whole schemes against the real Neo4j."""

from __future__ import annotations

import pytest

from ontology.exporting import export_bundle
from ontology.importing import import_bundle
from ontology.model import ItemValue
from ontology.schema import apply_schema
from ontology.store import Store
from ontology.validate import ImportRejected
from tests.bundles import BOLTS, HEX_BOLT, HEX_BOLT_M8X30, cpms_bundle, unspsc_bundle


@pytest.fixture
def loaded(store: Store) -> Store:
    apply_schema(store)
    import_bundle(store, unspsc_bundle(), actor="test", reason="fixture")
    import_bundle(store, cpms_bundle(), actor="test", reason="fixture")
    return store


def _dump(bundle) -> dict:
    return bundle.model_dump(mode="json", by_alias=True)


def test_json_round_trip_is_lossless(loaded: Store) -> None:
    assert _dump(export_bundle(loaded, "CPMS")) == _dump(cpms_bundle())
    assert _dump(export_bundle(loaded, "UNSPSC")) == _dump(unspsc_bundle())


def test_reimport_is_idempotent_and_keeps_incoming_mappings(loaded: Store) -> None:
    import_bundle(loaded, unspsc_bundle(), actor="test", reason="again")
    assert export_bundle(loaded, "CPMS").mappings == cpms_bundle().mappings
    import_bundle(loaded, cpms_bundle(), actor="test", reason="again")
    assert _dump(export_bundle(loaded, "CPMS")) == _dump(cpms_bundle())


def test_bad_import_names_every_problem_and_writes_nothing(loaded: Store) -> None:
    before = _dump(export_bundle(loaded, "CPMS"))
    bad = cpms_bundle()
    bad.scheme.version = "2.0"
    bad.classes[2].parent = "99999999-0"
    bad.classes[3].code = "21010201-X"
    bad.items[0].values.append(ItemValue(property="material", value="unobtainium"))
    bad.mappings[0].to_code = "31169999"
    with pytest.raises(ImportRejected) as info:
        import_bundle(loaded, bad, actor="test", reason="bad")
    problems = info.value.problems
    found = {(p.field, p.location.split(" ")[0]) for p in problems}
    assert ("parent", "classes[2]") in found
    assert ("code", "classes[3]") in found
    assert ("values.material", "items[0]") in found
    assert "check character" in str(info.value)
    # the mapping target is checked against the store once the bundle itself is clean
    bad = cpms_bundle()
    bad.mappings[0].to_code = "31169999"
    with pytest.raises(ImportRejected, match="31169999"):
        import_bundle(loaded, bad, actor="test", reason="bad")
    assert _dump(export_bundle(loaded, "CPMS")) == before


def test_import_counts(loaded: Store) -> None:
    counts = import_bundle(loaded, cpms_bundle(), actor="test", reason="count")
    assert counts["classes"] == 4 and counts["items"] == 1 and counts["values"] == 5 and counts["mappings"] == 1


def test_item_codes_and_classes_survive(loaded: Store) -> None:
    items = export_bundle(loaded, "CPMS").items
    assert [i.code for i in items] == [HEX_BOLT_M8X30]
    assert items[0].class_code == HEX_BOLT
    assert BOLTS in {c.code for c in export_bundle(loaded, "CPMS").classes}


def test_reimport_bumps_versions_of_changed_concepts_and_records_them(loaded: Store) -> None:
    from ontology.editing import history

    edited = cpms_bundle()
    edited.classes[2].labels.en = "Hex head bolt"
    counts = import_bundle(loaded, edited, actor="editor-wang", reason="spreadsheet review")
    assert counts["changed"] == 1
    stored = {c.code: c for c in export_bundle(loaded, "CPMS").classes}
    assert stored[HEX_BOLT].version == 2 and stored[BOLTS].version == 1
    change = history(loaded, "CPMS", HEX_BOLT)[-1]
    assert change.action == "import_update" and change.actor == "editor-wang"
    assert change.before is not None and change.after is not None
    assert change.before["labels"]["en"] == "Hexagon head bolt" and change.after["labels"]["en"] == "Hex head bolt"


def test_import_of_a_stale_file_is_a_version_conflict(loaded: Store) -> None:
    from ontology.editing import ClassChanges, update_class

    stale_file = cpms_bundle()  # exported when HEX_BOLT was at version 1
    update_class(loaded, "CPMS", HEX_BOLT, 1, ClassChanges(definition=None, synonyms=[]), "li", "drop synonyms")
    stale_file.classes[2].labels.en = "Hex bolt (edited offline)"
    with pytest.raises(ImportRejected, match="changed in the store since this file was made"):
        import_bundle(loaded, stale_file, actor="wang", reason="offline edit")
    assert export_bundle(loaded, "CPMS").classes[2].synonyms == []
