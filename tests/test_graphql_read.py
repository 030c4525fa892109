"""Reading and matching through the real ASGI app, the real store and the real matcher."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from ontology.connection import Connection
from ontology.editing import Edit
from ontology.importing import import_bundle
from ontology.maintenance import wipe
from ontology.model import ClassProperty, ConceptClass, DataType, Labels, Property, Scheme, SchemeBundle
from ontology.store import Store
from service.graphql.schema import SCHEMA_FILE, printed_schema
from tests.bundles import BOLTS, FASTENERS, HEX_BOLT, HEX_BOLT_M8X30, SOCKET_SCREW, load_fixture_schemes
from tests.graphql_support import app_state, error_codes, gql, keys_by_role, running_app


@pytest.fixture(scope="module")
def loaded(session_store: Store) -> Store:
    wipe(session_store)
    load_fixture_schemes(session_store)
    return session_store


@pytest.fixture(scope="module")
def keys(loaded: Store) -> dict[str, str]:
    return keys_by_role(loaded)


@pytest.fixture(scope="module")
def api(connection: Connection, loaded: Store) -> Iterator[TestClient]:
    with running_app(connection) as client:
        yield client


CLASS_QUERY = """
query($code: String!) {
  class(scheme: "CPMS", code: $code) {
    code label labelEn: label(lang: "en") level status version
    parent { code } ancestors { code }
    synonyms { text lang }
    template { property { code dataType unit { symbol } valueCount values(first: 2) { totalCount nodes { code } } }
               required definedOn inherited }
    mappings { relation target { scheme code label(lang: "en") } }
    items(first: 5) { totalCount nodes { code values { property value number } } }
  }
}"""


def test_class_with_template_mappings_and_items(api: TestClient) -> None:
    body = gql(api, CLASS_QUERY, code=HEX_BOLT)
    cls = body["data"]["class"]
    assert cls["label"] == "六角头螺栓" and cls["labelEn"] == "Hexagon head bolt"
    assert cls["parent"]["code"] == BOLTS and [a["code"] for a in cls["ancestors"]] == [BOLTS, FASTENERS]
    template = {t["property"]["code"]: t for t in cls["template"]}
    assert template["material"]["required"] and template["material"]["inherited"]
    assert template["material"]["definedOn"] == FASTENERS
    assert template["length"]["property"]["unit"]["symbol"] == "mm"
    thread = template["thread_size"]["property"]
    assert thread["valueCount"] == 3 and thread["values"]["totalCount"] == 3 and len(thread["values"]["nodes"]) == 2
    assert cls["items"]["nodes"][0]["code"] == HEX_BOLT_M8X30
    bolts = gql(api, CLASS_QUERY, code=BOLTS)["data"]["class"]
    assert bolts["mappings"] == [
        {"relation": "exactMatch", "target": {"scheme": "UNSPSC", "code": "31161600", "label": "Bolts"}}
    ]


def test_unknown_class_is_not_found(api: TestClient) -> None:
    body = gql(api, '{ class(scheme: "CPMS", code: "21999999-0") { code } }')
    assert error_codes(body) == ["NOT_FOUND"] and body["data"]["class"] is None


def test_children_and_paging(api: TestClient) -> None:
    query = (
        """query($after: String) { classes(scheme: "CPMS", parent: "%s", first: 1, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } nodes { code } } }"""
        % BOLTS
    )
    first = gql(api, query)["data"]["classes"]
    assert first["totalCount"] == 2 and first["pageInfo"]["hasNextPage"]
    second = gql(api, query, after=first["pageInfo"]["endCursor"])["data"]["classes"]
    assert not second["pageInfo"]["hasNextPage"]
    assert {first["nodes"][0]["code"], second["nodes"][0]["code"]} == {HEX_BOLT, SOCKET_SCREW}
    assert error_codes(gql(api, '{ classes(scheme: "CPMS", first: 101) { totalCount } }')) == ["LIMIT_EXCEEDED"]
    assert error_codes(gql(api, '{ classes(scheme: "CPMS", after: "bogus") { totalCount } }')) == ["INVALID_INPUT"]


def test_items_filtered_by_property_values(api: TestClient) -> None:
    query = (
        """query($filters: [ItemFilterInput!]) { items(scheme: "CPMS", class: "%s", filters: $filters) {
        totalCount nodes { code class { code } } } }"""
        % BOLTS
    )
    stainless_m8 = [{"property": "thread_size", "value": "M8"}, {"property": "material", "value": "stainless_304"}]
    found = gql(api, query, filters=stainless_m8)["data"]["items"]
    assert found["totalCount"] == 1 and found["nodes"][0]["class"]["code"] == HEX_BOLT
    assert gql(api, query, filters=[{"property": "thread_size", "value": "M10"}])["data"]["items"]["totalCount"] == 0
    long_ones = gql(api, query, filters=[{"property": "length", "min": 25, "max": 35}])["data"]["items"]
    assert long_ones["totalCount"] == 1
    assert gql(api, query, filters=[{"property": "length", "min": 31}])["data"]["items"]["totalCount"] == 0


def test_search_in_chinese_english_and_pinyin(api: TestClient) -> None:
    query = """query($text: String!) { search(text: $text, scheme: "CPMS", kind: class, first: 5) {
        nodes { code kind label score class { code } } } }"""
    chinese = gql(api, query, text="螺栓")["data"]["search"]["nodes"]
    assert HEX_BOLT in [n["code"] for n in chinese]
    assert all(n["class"]["code"] == n["code"] for n in chinese)
    assert gql(api, query, text="hex bolt")["data"]["search"]["nodes"][0]["code"] == HEX_BOLT
    pinyin = gql(api, query, text="liujiaotouluoshuan")["data"]["search"]["nodes"]
    assert pinyin and pinyin[0]["code"] == HEX_BOLT


def test_enum_arguments_refuse_values_outside_them_before_any_resolver(api: TestClient) -> None:
    literal = gql(api, '{ search(text: "螺栓", kind: classes) { totalCount } }')
    assert literal["status"] == 400 and error_codes(literal) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "Kind" in literal["errors"][0]["message"]
    query = 'query($kind: Kind) { search(text: "螺栓", kind: $kind) { nodes { kind status } } }'
    variable = gql(api, query, kind="classes")
    assert variable["status"] == 400 and error_codes(variable) == ["GRAPHQL_VALIDATION_FAILED"]
    nodes = gql(api, query, kind="item")["data"]["search"]["nodes"]
    assert nodes and {(n["kind"], n["status"]) for n in nodes} == {("item", "active")}


def test_match_returns_code_values_and_reasons(api: TestClient) -> None:
    query = """query($record: RecordInput!) { match(record: $record, scheme: "CPMS") {
        decision top { code score matchedText matchedTerms class { code label } } best { code }
        candidates { code score } values { property value number unit source }
        missingRequired warnings } }"""
    result = gql(api, query, record={"text": "304不锈钢六角螺栓 M8*30"})["data"]["match"]
    assert result["top"]["code"] == HEX_BOLT and result["top"]["class"]["code"] == HEX_BOLT
    assert 0 < result["top"]["score"] <= 100
    assert result["decision"] == "review"  # the fixture scheme has no examples to calibrate on
    assert result["best"] == {"code": HEX_BOLT}  # deprecated, the same as top
    values = {v["property"]: v for v in result["values"]}
    assert values["thread_size"]["value"] == "M8"
    assert values["material"]["value"] == "stainless_304"
    columns = gql(api, query, record={"name": "六角螺栓", "spec": "M8x30", "material": "SUS304"})["data"]["match"]
    assert columns["top"]["code"] == HEX_BOLT


def test_match_names_unused_columns_and_takes_a_column_mapping(api: TestClient) -> None:
    query = """query($record: RecordInput!, $mapping: [ColumnFieldInput!]) {
        match(record: $record, scheme: "CPMS", mapping: $mapping) { top { code } warnings } }"""
    record = {"columns": [{"name": "Artikel", "value": "六角螺栓"}, {"name": "单价", "value": "0.35"}]}
    plain = gql(api, query, record=record)["data"]["match"]
    assert any("not used: Artikel, 单价" in w for w in plain["warnings"])
    mapped = gql(api, query, record=record, mapping=[{"field": "name", "header": "Artikel"}])["data"]["match"]
    assert mapped["top"]["code"] == HEX_BOLT and any("not used: 单价;" in w for w in mapped["warnings"])
    bad = gql(api, query, record=record, mapping=[{"field": "colour", "header": "Artikel"}])
    assert error_codes(bad) == ["INVALID_SETTING"]


def test_match_batch_keeps_order_and_caps_size(api: TestClient, keys: dict[str, str]) -> None:
    query = """query($records: [RecordInput!]!) { matchBatch(records: $records) { top { code } } }"""
    records = [{"text": "内六角螺丝 M8"}, {"text": "六角头螺栓 M8x30"}]
    batch = gql(api, query, keys["manufacturer"], records=records)["data"]["matchBatch"]
    assert [b["top"]["code"] for b in batch] == [SOCKET_SCREW, HEX_BOLT]
    too_many = gql(api, query, keys["manufacturer"], records=[{"text": "x"}] * 1001)
    assert error_codes(too_many) == ["LIMIT_EXCEEDED"]
    assert error_codes(gql(api, query, records=records)) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    ("arguments", "code", "words"),
    [
        ('scheme: "NOPE"', "UNKNOWN_SCHEME", "no scheme 'NOPE'"),
        ('scheme: "CPMS", kind: items', "GRAPHQL_VALIDATION_FAILED", "items"),
        ('scheme: "UNSPSC", kind: item', "UNKNOWN_KIND", "scheme UNSPSC has no items to match"),
        ('scheme: "CPMS", limit: 0', "INVALID_SETTING", "limit must be 1 to 500"),
        ('scheme: "CPMS", limit: 100000', "INVALID_SETTING", "limit must be 1 to 500"),
    ],
)
def test_match_errors_are_typed(api: TestClient, arguments: str, code: str, words: str) -> None:
    """A scheme or kind the matcher lacks, or a setting out of range, is a user error with its own
    code, never INTERNAL."""
    body = gql(api, f'query {{ match(record: {{text: "六角螺栓"}}, {arguments}) {{ decision }} }}')
    assert error_codes(body) == [code]
    assert words in body["errors"][0]["message"]


def test_depth_and_cost_limits(api: TestClient) -> None:
    nested = "parent { " * 14 + "code" + " }" * 14
    deep = gql(api, '{ class(scheme: "CPMS", code: "%s") { %s } }' % (HEX_BOLT, nested))
    assert deep["status"] == 400 and "exceeds maximum operation depth" in deep["errors"][0]["message"]
    costly = gql(
        api,
        """{ classes(scheme: "UNSPSC", first: 100) { nodes { children(first: 100) { nodes {
        children(first: 100) { nodes { code } } } } } } }""",
    )
    assert costly["status"] == 400 and error_codes(costly) == ["LIMIT_EXCEEDED"]


def wide_bundle() -> SchemeBundle:
    """A scheme of 100 classes, each with 3 subclasses and a property of its own."""
    labels = Labels(en="x")
    properties = [Property(code=f"p{n}", labels=labels, data_type=DataType.text) for n in range(100)]
    classes = [ConceptClass(code="R", level=1, labels=Labels(en="root"))]
    for n in range(100):
        classes.append(
            ConceptClass(
                code=f"C{n:03d}",
                parent="R",
                level=2,
                labels=Labels(en=f"class {n}"),
                properties=[ClassProperty(property=f"p{n}", required=n % 2 == 0)],
            )
        )
        classes += [
            ConceptClass(code=f"C{n:03d}.{k}", parent=f"C{n:03d}", level=3, labels=Labels(en=f"sub {n}.{k}"))
            for k in range(3)
        ]
    scheme = Scheme(code="WIDE", name=labels, version="1", source="test", licence="test")
    return SchemeBundle(scheme=scheme, properties=properties, classes=classes)


@pytest.mark.parametrize("page", [10, 100])
def test_a_page_of_classes_costs_a_bounded_number_of_round_trips(api: TestClient, loaded: Store, page: int) -> None:
    import_bundle(loaded, wide_bundle(), Edit("test", "round trips"))
    query = """query($page: Int) { classes(scheme: "WIDE", parent: "R", first: $page) { nodes { code parent { code }
        children(first: 3) { nodes { code label ancestors { code }
                                     template { required property { code valueCount } } } }
        template { property { code } } mappings { target { code } } } } }"""
    app_store = app_state(api).store
    before = app_store.round_trips
    nodes = gql(api, query, page=page)["data"]["classes"]["nodes"]
    assert len(nodes) == page and all(len(n["children"]["nodes"]) == 3 for n in nodes)
    assert all(n["children"]["nodes"][0]["template"][0]["property"]["code"] == f"p{int(n['code'][1:])}" for n in nodes)
    # the store's change token, then the page, its classes, their parents, children, the children's
    # classes, ancestors, templates at two depths, mappings: ten batched queries, whatever the page size
    assert app_store.round_trips - before <= 10
    before = app_store.round_trips
    assert gql(api, query, page=page)["data"]["classes"]["nodes"] == nodes
    assert app_store.round_trips - before == 1, "asked again, only the change token is read: the rest is cached"


def test_schema_file_is_up_to_date() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == printed_schema(), (
        "the GraphQL schema changed: review it, then run `python -m service.graphql.schema` to update schema.graphql"
    )


def test_error_shape_and_bad_keys(api: TestClient) -> None:
    body = gql(api, "{ schemes { code } }", key="cpms_nope_secret")
    assert body["status"] == 401
    assert body["errors"] == [{"message": "unknown or revoked API key", "extensions": {"code": "UNAUTHENTICATED"}}]


def test_anonymous_access_can_be_switched_off(connection: Connection, loaded: Store, keys: dict[str, str]) -> None:
    with running_app(connection, anonymous_read=False) as client:
        assert error_codes(gql(client, "{ schemes { code } }")) == ["UNAUTHENTICATED"]
        assert "CPMS" in [s["code"] for s in gql(client, "{ schemes { code } }", keys["reader"])["data"]["schemes"]]


# stopped at once, the request's field tasks are cancelled before they start, and Python warns
# that their resolvers' coroutines were never awaited
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_request_over_the_time_limit_is_stopped(
    connection: Connection, api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CPMS_GRAPHQL_TIMEOUT_SECONDS", "0.000001")
    with running_app(connection) as hurried:
        slow = gql(hurried, CLASS_QUERY, code=HEX_BOLT)  # waits for the store
        assert error_codes(slow) == ["LIMIT_EXCEEDED"] and "was stopped" in slow["errors"][0]["message"]
        assert gql(hurried, "{ __typename }")["data"] == {"__typename": "Query"}  # nothing to wait for
    assert gql(api, CLASS_QUERY, code=HEX_BOLT)["data"]["class"]["code"] == HEX_BOLT
