"""Edits with versions and history, deprecation, releases and their diff, full-text search."""

from __future__ import annotations

import pytest

from common.errors import InvalidInput, NotFound, VersionConflict
from ontology.editing import ClassChanges, create_class, deprecate_class, history, move_class, update_class
from ontology.importing import import_bundle
from ontology.model import ConceptClass, Status, Synonym
from ontology.queries import get_class, search
from ontology.releases import diff_releases, list_releases, publish_release
from ontology.schema import apply_schema
from ontology.store import Store
from ontology.validate import ImportRejected
from tests.bundles import BOLTS, FASTENERS, HEX_BOLT, SOCKET_SCREW, cpms_bundle, labels, unspsc_bundle


@pytest.fixture
def loaded(store: Store) -> Store:
    apply_schema(store)
    import_bundle(store, unspsc_bundle(), actor="test", reason="fixture")
    import_bundle(store, cpms_bundle(), actor="test", reason="fixture")
    return store


def test_update_bumps_version_and_records_before_and_after(loaded: Store) -> None:
    after = update_class(
        loaded,
        "CPMS",
        HEX_BOLT,
        1,
        ClassChanges(synonyms=[Synonym(text="六角螺栓")]),
        actor="editor-li",
        reason="trade name seen in Yongkang catalogs",
    )
    assert after["version"] == 2
    changes = history(loaded, "CPMS", HEX_BOLT)
    assert [c.action for c in changes] == ["update"]
    change = changes[0]
    assert change.actor == "editor-li" and "Yongkang" in change.reason
    assert change.before is not None and change.after is not None
    assert change.before["syn_text"] == ["外六角螺丝", "hex bolt"]
    assert change.after["syn_text"] == ["六角螺栓"] and change.after["version"] == 2


def test_stale_version_is_a_conflict_and_nothing_is_lost(loaded: Store) -> None:
    update_class(loaded, "CPMS", HEX_BOLT, 1, ClassChanges(labels=labels("六角螺栓", "Hex bolt")), "a", "first")
    with pytest.raises(VersionConflict) as info:
        update_class(loaded, "CPMS", HEX_BOLT, 1, ClassChanges(labels=labels("外六角", "Hex")), "b", "second")
    assert info.value.details["currentVersion"] == 2
    assert get_class(loaded, "CPMS", HEX_BOLT).concept.labels.zh_hans == "六角螺栓"


def test_deprecation_points_to_replacement_and_stays_resolvable(loaded: Store) -> None:
    deprecate_class(loaded, "CPMS", SOCKET_SCREW, 1, replaced_by=HEX_BOLT, actor="editor", reason="merged")
    view = get_class(loaded, "CPMS", SOCKET_SCREW)
    assert view.concept.status == Status.deprecated
    assert view.concept.replaced_by == HEX_BOLT
    with pytest.raises(InvalidInput, match="itself deprecated"):
        deprecate_class(loaded, "CPMS", HEX_BOLT, 1, replaced_by=SOCKET_SCREW, actor="editor", reason="loop")


def test_template_is_inherited_from_ancestors(loaded: Store) -> None:
    view = get_class(loaded, "CPMS", HEX_BOLT)
    assert view.ancestors == [BOLTS, FASTENERS]
    template = {t.property: (t.required, t.defined_on) for t in view.template}
    assert template == {"material": (True, FASTENERS), "thread_size": (True, BOLTS), "length": (False, BOLTS)}


def test_create_and_move_check_codes_and_cycles(loaded: Store) -> None:
    new = ConceptClass(code="21010300-K", parent=BOLTS, level=3, labels=labels("马车螺栓", "Carriage bolt"))
    with pytest.raises(InvalidInput, match="check character"):
        create_class(loaded, "CPMS", new, "editor", "new class")
    from ontology.codes import class_code

    created = create_class(loaded, "CPMS", new.model_copy(update={"code": class_code("21010300")}), "editor", "new")
    assert created.version == 1
    with pytest.raises(InvalidInput, match="descendants"):
        move_class(loaded, "CPMS", BOLTS, 1, created.code, "editor", "cycle")
    moved = move_class(loaded, "CPMS", created.code, 1, FASTENERS, "editor", "regroup")
    assert moved["level"] == 2 and get_class(loaded, "CPMS", created.code).concept.parent == FASTENERS
    with pytest.raises(InvalidInput, match="needs a reason"):
        update_class(loaded, "CPMS", HEX_BOLT, 1, ClassChanges(), "editor", " ")


def test_release_diff_lists_added_changed_deprecated(loaded: Store) -> None:
    first = publish_release(loaded, "CPMS", "editor", "first edition")
    assert first.number == 1 and first.concepts == 5
    update_class(loaded, "CPMS", HEX_BOLT, 1, ClassChanges(synonyms=[Synonym(text="六角螺栓")]), "e", "synonym")
    deprecate_class(loaded, "CPMS", SOCKET_SCREW, 1, HEX_BOLT, "e", "merged")
    from ontology.codes import class_code

    added = create_class(
        loaded,
        "CPMS",
        ConceptClass(code=class_code("21010300"), parent=BOLTS, level=3, labels=labels("马车螺栓", "Carriage bolt")),
        "e",
        "new",
    )
    second = publish_release(loaded, "CPMS", "editor", "second edition")
    diff = diff_releases(loaded, "CPMS", first.number, second.number)
    assert diff.added == [added.code]
    assert diff.changed == [HEX_BOLT]
    assert diff.deprecated == [SOCKET_SCREW]
    assert diff.removed == []
    assert [r.number for r in list_releases(loaded, "CPMS")] == [1, 2]
    with pytest.raises(NotFound):
        diff_releases(loaded, "CPMS", 1, 9)


def test_published_codes_are_never_removed_or_reused(loaded: Store) -> None:
    publish_release(loaded, "CPMS", "editor", "first edition")
    shrunk = cpms_bundle()
    shrunk.classes = [c for c in shrunk.classes if c.code != SOCKET_SCREW]
    with pytest.raises(ImportRejected, match=f"{SOCKET_SCREW}.*published"):
        import_bundle(loaded, shrunk, actor="test", reason="drop")
    with pytest.raises(InvalidInput, match="never reused"):
        create_class(loaded, "CPMS", ConceptClass(code=SOCKET_SCREW, level=1, labels=labels("x", "x")), "e", "reuse")


def test_chinese_and_english_full_text_search(loaded: Store) -> None:
    hits = search(loaded, "螺栓", scheme="CPMS")
    codes = [h.code for h in hits]
    assert HEX_BOLT in codes and BOLTS in codes
    assert search(loaded, "六角螺丝", scheme="CPMS")[0].code == HEX_BOLT  # synonym 外六角螺丝
    assert search(loaded, "hex bolt")[0].code == HEX_BOLT
    assert any(h.scheme == "UNSPSC" for h in search(loaded, "Bolts"))
    assert search(loaded, 'bolt" OR *:*') is not None  # operators are escaped, not executed


def test_concurrent_edits_of_one_version_never_both_win(loaded: Store) -> None:
    """Eight editors who all read version 1 race to save; exactly one wins, the rest get conflicts."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    barrier = Barrier(8)

    def edit(n: int) -> str:
        barrier.wait()
        try:
            update_class(
                loaded, "CPMS", HEX_BOLT, 1, ClassChanges(synonyms=[Synonym(text=f"别名{n}")]), f"e{n}", "race"
            )
            return "won"
        except VersionConflict:
            return "conflict"

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(edit, range(8)))
    assert outcomes.count("won") == 1 and outcomes.count("conflict") == 7
    view = get_class(loaded, "CPMS", HEX_BOLT)
    assert view.concept.version == 2
    assert len(history(loaded, "CPMS", HEX_BOLT)) == 1
