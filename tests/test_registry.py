"""The registry against the real Neo4j: identifiers, registration all or nothing, versions,
publishing against the template, searches, notices when the standard moves."""

from __future__ import annotations

import pytest
from neo4j import ManagedTransaction

from common.errors import InvalidInput
from ontology.apikeys import list_keys
from ontology.curation import attach_property
from ontology.editing import deprecate_class
from ontology.registry import products
from ontology.registry.firms import firm_summary
from ontology.registry.following import notices
from ontology.registry.identifiers import (
    IdentifierError,
    product_id,
    validate_gtin,
    validate_product_id,
    validate_uscc,
)
from ontology.registry.model import ProblemKind, ProductStatus
from ontology.registry.products import (
    PublishRefused,
    RegistrationInProgress,
    RegistrationRefused,
    product_history,
    products_by_id,
    publish_products,
    register_products,
)
from ontology.registry.search import ProductQuery, find_products
from ontology.releases import publish_release
from ontology.store import Store
from service.registry.exports import export_catalog
from tests.bundles import BOLTS, HEX_BOLT, HEX_BOLT_M8X30, SOCKET_SCREW, load_fixture_schemes
from tests.registry_support import EDIT, JINHUA, YONGKANG, add_firms, bolt, gtin, rows
from tests.test_cli_errors import cpms


@pytest.fixture
def registry(store: Store) -> Store:
    load_fixture_schemes(store)
    add_firms(store)
    return store


def test_identifiers_have_check_characters() -> None:
    assert validate_uscc("91350100M000100Y43") == "91350100M000100Y43"
    with pytest.raises(IdentifierError, match="check character"):
        validate_uscc("91350100M000100Y44")
    with pytest.raises(IdentifierError, match="18"):
        validate_uscc("91350100M00010OY43")  # O is not a character of the code
    assert validate_gtin("6901234567892") == "6901234567892"
    with pytest.raises(IdentifierError, match="check digit"):
        validate_gtin("6901234567893")
    assert validate_product_id(product_id(42).lower()) == product_id(42)
    typo = product_id(42).replace("42", "24")
    with pytest.raises(IdentifierError, match="check character"):
        validate_product_id(typo)


def test_registration_normalizes_values_onto_the_template(registry: Store) -> None:
    done = register_products(registry, YONGKANG, rows(bolt("A-1", material="SUS304", length="3 cm")), EDIT)
    [product] = products_by_id(registry, done.created)
    assert product is not None and product.status is ProductStatus.draft
    assert {v.property: (v.value or v.number) for v in product.values} == {
        "material": "stainless_304", "thread_size": "M8", "length": 30.0,
    }  # fmt: skip
    assert product.completeness == 1.0 and product.problems == []
    assert validate_product_id(product.id) == product.id


def test_a_refused_row_refuses_the_whole_registration(registry: Store) -> None:
    batch = rows(bolt("A-1"), bolt("A-2", thread="M9"), bolt("A-3", length="30 kg"), bolt("A-1"),
                 bolt("A-4", cls="99999999-9"))  # fmt: skip
    with pytest.raises(RegistrationRefused) as refused:
        register_products(registry, YONGKANG, batch, EDIT)
    by_row = {r.row: [p.kind for p in r.problems] for r in refused.value.refusals}
    assert by_row == {
        2: [ProblemKind.not_in_list], 3: [ProblemKind.bad_unit], 4: [ProblemKind.conflict],
        5: [ProblemKind.unknown_class],
    }  # fmt: skip
    assert "M9" in refused.value.refusals[0].problems[0].message
    assert find_products(registry, ProductQuery(firm=YONGKANG, statuses=tuple(ProductStatus)), 0, 10).total == 0


def test_registering_a_sku_again_is_a_new_version_with_history(registry: Store) -> None:
    first = register_products(registry, YONGKANG, rows(bolt("A-1")), EDIT)
    again = register_products(registry, YONGKANG, rows(bolt("A-1", thread="M10")), EDIT)
    same = register_products(registry, YONGKANG, rows(bolt("A-1", thread="M10")), EDIT)
    assert again.updated == first.created and same.unchanged == first.created
    [product] = products_by_id(registry, first.created)
    assert product is not None and product.version == 2
    history = product_history(registry, product.id)
    assert [h.action for h in history] == ["register", "reregister"]
    assert history[1].before is not None and "thread_size=M8" in history[1].before["value_keys"]


def test_publishing_with_a_missing_required_value_is_refused_and_changes_nothing(registry: Store) -> None:
    done = register_products(registry, YONGKANG, rows(bolt("A-1"), bolt("A-2", material=None)), EDIT)
    with pytest.raises(PublishRefused) as refused:
        publish_products(registry, YONGKANG, done.created, EDIT)
    assert list(refused.value.refused) == [done.created[1]]
    [problem] = refused.value.refused[done.created[1]]
    assert problem.kind is ProblemKind.missing_required and problem.property == "material"
    assert all(p and p.status is ProductStatus.draft and p.version == 1 for p in products_by_id(registry, done.created))
    published = publish_products(registry, YONGKANG, done.created[:1], EDIT)
    assert [p.status for p in published] == [ProductStatus.published]


def test_a_value_that_differs_from_the_standard_item_is_a_conflict(registry: Store) -> None:
    done = register_products(registry, YONGKANG, rows(bolt("A-1", thread="M10", item_code=HEX_BOLT_M8X30)), EDIT)
    with pytest.raises(PublishRefused, match="M10"):
        publish_products(registry, YONGKANG, done.created, EDIT)


def test_published_products_are_found_by_class_value_gtin_firm_and_region(registry: Store) -> None:
    code = gtin("690123456789")
    batch = rows(bolt("A-1", gtin=code), bolt("A-2", thread="M10"), bolt("S-1", cls=SOCKET_SCREW, material="碳钢"))
    mine = register_products(registry, YONGKANG, batch, EDIT)
    theirs = register_products(registry, JINHUA, rows(bolt("B-1"), bolt("B-2")), EDIT)
    publish_products(registry, YONGKANG, mine.created, EDIT)
    publish_products(registry, JINHUA, theirs.created[:1], EDIT)

    def ids(**query: object) -> list[str]:
        return [p.id for p in find_products(registry, ProductQuery(**query), 0, 50).products]  # type: ignore[arg-type]

    assert ids(class_code=BOLTS) == sorted([*mine.created, theirs.created[0]])  # narrower classes count
    assert ids(class_code=HEX_BOLT, values=("M8", "304")) == sorted([mine.created[0], theirs.created[0]])
    assert ids(values=("thread_size=M10",)) == [mine.created[1]]
    assert ids(values=("material=碳钢",)) == [mine.created[2]]  # a value by its label
    assert ids(values=("碳钢",)) == [mine.created[2]]
    assert ids(gtin=code) == [mine.created[0]]
    assert ids(region="金华市婺城区") == theirs.created[:1]
    assert ids(region="金华市", values=("length=30",)) == sorted([*mine.created, theirs.created[0]])
    page = find_products(registry, ProductQuery(region="金华市"), 1, 2)
    assert (page.total, len(page.products)) == (4, 2)


def test_a_deprecated_class_lists_its_products_with_the_successor(registry: Store) -> None:
    done = register_products(registry, YONGKANG, rows(bolt("A-1"), bolt("S-1", cls=SOCKET_SCREW)), EDIT)
    publish_products(registry, YONGKANG, done.created, EDIT)
    assert notices(registry, YONGKANG, None, 0, 10).total == 0
    deprecate_class(registry, "CPMS", HEX_BOLT, 1, SOCKET_SCREW, EDIT)
    page = notices(registry, None, HEX_BOLT, 0, 10)
    assert [n.product.id for n in page.notices] == done.created[:1]
    [problem] = page.notices[0].problems
    assert problem.kind is ProblemKind.deprecated_class and problem.expected == [SOCKET_SCREW]
    [product] = products_by_id(registry, done.created[:1])
    assert product is not None and product.status is ProductStatus.published and product.class_code == HEX_BOLT
    summary = firm_summary(registry, YONGKANG)
    assert summary.products == {"published": 2} and summary.completeness == 1.0


def test_a_template_change_lists_the_products_it_touches_and_changes_none(registry: Store) -> None:
    done = register_products(registry, YONGKANG, rows(bolt("A-1", length=None), bolt("A-2", length="40 mm")), EDIT)
    publish_products(registry, YONGKANG, done.created, EDIT)
    attach_property(registry, "CPMS", BOLTS, 1, "length", True, EDIT)  # length becomes required
    publish_release(registry, "CPMS", "editor", "length required for bolts")
    page = notices(registry, YONGKANG, None, 0, 10)
    assert [(n.product.sku, [(p.kind, p.property) for p in n.problems]) for n in page.notices] == [
        ("A-1", [(ProblemKind.missing_required, "length")])
    ]
    assert [p.status for p in products_by_id(registry, done.created) if p] == [ProductStatus.published] * 2


def test_registration_of_10000_rows_is_all_or_nothing(registry: Store) -> None:
    batch = [bolt(f"K-{n:05d}", length=f"{10 + n % 190} mm", thread=("M6", "M8", "M10")[n % 3]) for n in range(10_000)]
    batch[9_999] = bolt("K-09999", thread="M12")
    with pytest.raises(RegistrationRefused) as refused:
        register_products(registry, YONGKANG, rows(*batch), EDIT)
    assert [(r.row, r.sku) for r in refused.value.refusals] == [(10_000, "K-09999")]
    assert firm_summary(registry, YONGKANG).products == {}
    batch[9_999] = bolt("K-09999")
    done = register_products(registry, YONGKANG, rows(*batch), EDIT)
    assert len(done.created) == len(set(done.created)) == 10_000
    assert all(validate_product_id(i) == i for i in done.created)
    assert firm_summary(registry, YONGKANG).products == {"draft": 10_000}
    tagged = registry.read_once("MATCH (p:Product) WHERE p.registration IS NOT NULL RETURN count(p) AS n")
    assert tagged == [{"n": 0}] and registry.read_once("MATCH (r:Registration) RETURN r") == []


def test_one_registration_of_a_firm_at_a_time(registry: Store) -> None:
    registry.write_beside_ontology(products._take_lock, YONGKANG, "another registration")
    with pytest.raises(RegistrationInProgress):
        register_products(registry, YONGKANG, rows(bolt("A-1")), EDIT)
    assert register_products(registry, JINHUA, rows(bolt("A-1")), EDIT).created  # other firms go on


def test_a_key_is_bound_to_a_firm_from_the_command_line(registry: Store) -> None:
    env = {"NEO4J_URI": registry.connection.uri, "NEO4J_USER": registry.connection.user,
           "NEO4J_PASSWORD": registry.connection.password or ""}  # fmt: skip
    done = cpms("keys", "create", "--name", "永康五金", "--role", "manufacturer", "--firm", YONGKANG, **env)
    assert done.returncode == 0 and f"bound to firm {YONGKANG}" in done.stdout, done.stderr
    assert [k.firm for k in list_keys(registry)] == [YONGKANG]
    refused = cpms("keys", "create", "--name", "x", "--role", "reader", "--firm", YONGKANG, **env)
    assert refused.returncode == 1 and "[INVALID_INPUT]" in refused.stderr


def test_a_gbk_export_refuses_what_gbk_cannot_hold(registry: Store) -> None:
    done = register_products(registry, YONGKANG, rows(bolt("A-1"), bolt("A-2", length="40 mm")), EDIT)
    found = [p for p in products_by_id(registry, done.created) if p]
    assert export_catalog(found, "csv", "gbk").decode("gbk").splitlines()[1].startswith(done.created[0])
    emoji = [found[0].model_copy(update={"name_zh": "六角螺栓 🔩"})]
    with pytest.raises(InvalidInput, match="GBK"):
        export_catalog(emoji, "csv", "gbk")


def _age_registration(tx: ManagedTransaction, firm: str) -> None:
    tx.run("MATCH (f:Firm {code: $code}) SET f.registration_at = datetime() - duration('PT2H')", code=firm).consume()


def test_an_unfinished_registration_is_never_seen_and_a_stale_one_is_cleared(registry: Store) -> None:
    registry.write_beside_ontology(products._take_lock, YONGKANG, "crashed")
    plan = registry.read(products._plan, YONGKANG, rows(bolt("A-1"), bolt("A-2", length="40 mm")), [])
    staged = registry.write_beside_ontology(products._stage, plan.creates, "crashed", EDIT)
    assert len(staged) == 2 and products_by_id(registry, staged) == [None, None]
    every = ProductQuery(firm=YONGKANG, statuses=tuple(ProductStatus))
    assert find_products(registry, every, 0, 10).total == 0 and firm_summary(registry, YONGKANG).products == {}
    with pytest.raises(RegistrationInProgress):
        register_products(registry, YONGKANG, rows(bolt("A-1")), EDIT)
    registry.write_beside_ontology(_age_registration, YONGKANG)  # as a crash an hour ago leaves it
    done = register_products(registry, YONGKANG, rows(bolt("A-1")), EDIT)
    assert firm_summary(registry, YONGKANG).products == {"draft": 1}
    assert registry.read_once("MATCH (p:Product) RETURN p.id AS id") == [{"id": done.created[0]}]
    assert product_history(registry, staged[0]) == []  # the crashed registration's records went with it
