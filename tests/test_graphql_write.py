"""Curation, change requests and feedback through the real ASGI app and the real store."""

from __future__ import annotations

from matchers.record import split_context
from ontology.codes import class_code
from ontology.examples import pending_examples, stored_examples
from ontology.store import Store
from tests.bundles import BOLTS, HEX_BOLT, SOCKET_SCREW
from tests.graphql_support import error_codes, gql

UPDATE = (
    """mutation($version: Int!, $zh: String) {
  updateClass(scheme: "CPMS", code: "%s", expectedVersion: $version, labels: {zhHans: $zh, en: "Hex bolt"},
              reason: "shorter name") {
    ok userErrors { field message code } class { version label history { nodes { actor action reason } } } } }"""
    % HEX_BOLT
)


def test_reader_may_not_curate(setup) -> None:
    client, keys = setup
    body = gql(client, UPDATE, keys["reader"], version=1, zh="六角螺栓")
    assert body["data"]["updateClass"]["ok"] is False
    assert body["data"]["updateClass"]["userErrors"][0]["code"] == "FORBIDDEN"
    assert error_codes(body) == ["FORBIDDEN"]
    anonymous = gql(client, UPDATE, version=1, zh="六角螺栓")
    assert error_codes(anonymous) == ["UNAUTHENTICATED"]


def test_editor_update_then_stale_version_conflicts(setup) -> None:
    client, keys = setup
    first = gql(client, UPDATE, keys["editor"], version=1, zh="六角螺栓")["data"]["updateClass"]
    assert first["ok"] and first["class"]["version"] == 2 and first["class"]["label"] == "六角螺栓"
    assert first["class"]["history"]["nodes"] == [
        {"actor": "test editor", "action": "update", "reason": "shorter name"}
    ]
    stale = gql(client, UPDATE, keys["editor"], version=1, zh="外六角螺栓")
    payload = stale["data"]["updateClass"]
    assert payload["ok"] is False and payload["userErrors"][0]["code"] == "VERSION_CONFLICT"
    assert stale["errors"][0]["extensions"]["currentVersion"] == 2


def test_create_deprecate_and_release_diff(setup) -> None:
    client, keys = setup
    editor = keys["editor"]
    gql(client, 'mutation { publishRelease(scheme: "CPMS", note: "first") { ok number } }', editor)
    new_code = class_code("21010300")
    created = gql(
        client,
        """mutation($code: String!) { createClass(scheme: "CPMS", code: $code, parent: "%s",
        labels: {zhHans: "马车螺栓", en: "Carriage bolt"}, reason: "seen in catalogs") {
        ok userErrors { field message } class { code level status parent { code } } } }"""
        % BOLTS,
        editor,
        code=new_code,
    )["data"]["createClass"]
    assert created["ok"] and created["class"]["level"] == 3 and created["class"]["parent"]["code"] == BOLTS
    bad_code = gql(
        client,
        """mutation { createClass(scheme: "CPMS", code: "21010400-1", labels: {en: "x"},
        reason: "typo") { ok userErrors { field code } } }""",
        editor,
    )["data"]["createClass"]
    assert bad_code["userErrors"] == [{"field": "code", "code": "INVALID_INPUT"}]
    deprecated = gql(
        client,
        """mutation { deprecateClass(scheme: "CPMS", code: "%s", expectedVersion: 1,
        replacedBy: "%s", reason: "merged") { ok class { status replacedBy { code } } } }"""
        % (SOCKET_SCREW, HEX_BOLT),
        editor,
    )["data"]["deprecateClass"]
    assert deprecated["class"] == {"status": "deprecated", "replacedBy": {"code": HEX_BOLT}}
    gql(client, 'mutation { publishRelease(scheme: "CPMS", note: "second") { ok number } }', editor)
    diff = gql(client, '{ releaseDiff(scheme: "CPMS", from: 1, to: 2) { added deprecated changed } }')
    assert diff["data"]["releaseDiff"] == {"added": [new_code], "deprecated": [SOCKET_SCREW], "changed": []}


def test_template_value_and_item_curation(setup) -> None:
    client, keys = setup
    editor = keys["editor"]
    values = gql(
        client,
        """mutation { addValues(scheme: "CPMS", property: "thread_size", expectedVersion: 1,
        values: [{code: "M12", labels: {en: "M12"}}], reason: "bigger sizes") {
        ok property { version valueCount } } }""",
        editor,
    )["data"]["addValues"]
    assert values["property"] == {"version": 2, "valueCount": 4}
    attached = gql(
        client,
        """mutation { attachProperty(scheme: "CPMS", classCode: "%s", expectedVersion: 1,
        property: "length", required: true, reason: "length matters") {
        ok class { version template { property { code } required } } } }"""
        % HEX_BOLT,
        editor,
    )["data"]["attachProperty"]
    assert {"property": {"code": "length"}, "required": True} in attached["class"]["template"]
    item = gql(
        client,
        """mutation($code: String!) { createItem(scheme: "CPMS", code: $code, classCode: "%s",
        labels: {zhHans: "六角头螺栓 M12×50"}, values: [{property: "thread_size", value: "M12"},
        {property: "length", number: 50}], reason: "new size") { ok userErrors { message } item { code } } }"""
        % HEX_BOLT,
        editor,
        code="21010100-000099-" + _check("21010100000099"),
    )["data"]["createItem"]
    assert item["ok"], item
    renamed = gql(
        client,
        """mutation($code: String!) { updateItem(scheme: "CPMS", code: $code, expectedVersion: 1,
        labels: {zhHans: "外六角螺栓 M12×50", en: "Hex bolt M12x50"}, reason: "trade name") {
        ok item { label version } } }""",
        editor,
        code=item["item"]["code"],
    )["data"]["updateItem"]
    assert renamed == {"ok": True, "item": {"label": "外六角螺栓 M12×50", "version": 2}}
    wrong = gql(
        client,
        """mutation { createItem(scheme: "CPMS", code: "21010100-000098-%s", classCode: "%s",
        labels: {en: "x"}, values: [{property: "thread_size", value: "M99"}], reason: "typo") {
        ok userErrors { field message } } }"""
        % (_check("21010100000098"), HEX_BOLT),
        editor,
    )["data"]["createItem"]
    assert wrong["userErrors"][0]["field"] == "values.thread_size"


def _check(payload: str) -> str:
    from ontology.codes import check_character

    return check_character(payload)


def test_change_request_is_proposed_then_approved_or_rejected(setup) -> None:
    client, keys = setup
    propose = (
        """mutation($payload: JSONString!) { proposeChange(kind: add_synonym, scheme: "CPMS", target: "%s",
        payload: $payload, reason: "our customers say 外六角") { ok request { id status } } }"""
        % HEX_BOLT
    )
    request = gql(client, propose, keys["manufacturer"], payload='{"text": "外六角"}')["data"]["proposeChange"]
    assert request["ok"] and request["request"]["status"] == "open"
    queue = gql(client, "{ changeRequests(status: open) { totalCount nodes { id proposer } } }", keys["editor"])
    assert queue["data"]["changeRequests"]["nodes"] == [
        {"id": request["request"]["id"], "proposer": "test manufacturer"}
    ]
    assert error_codes(gql(client, "{ changeRequests { totalCount } }", keys["manufacturer"])) == ["FORBIDDEN"]
    approved = gql(
        client,
        """mutation($id: ID!) { approveChangeRequest(id: $id, reason: "common trade name") {
        ok request { status decidedBy } } }""",
        keys["editor"],
        id=request["request"]["id"],
    )
    assert approved["data"]["approveChangeRequest"]["request"] == {"status": "approved", "decidedBy": "test editor"}
    synonyms = gql(client, '{ class(scheme: "CPMS", code: "%s") { synonyms { text } } }' % HEX_BOLT)
    assert {"text": "外六角"} in synonyms["data"]["class"]["synonyms"]
    other = gql(client, propose, keys["manufacturer"], payload='{"text": "六角"}')["data"]["proposeChange"]
    rejected = gql(
        client,
        """mutation($id: ID!) { rejectChangeRequest(id: $id, reason: "too vague") {
        ok request { status decisionReason } } }""",
        keys["editor"],
        id=other["request"]["id"],
    )
    assert rejected["data"]["rejectChangeRequest"]["request"] == {"status": "rejected", "decisionReason": "too vague"}
    bad = gql(client, propose, keys["manufacturer"], payload='{"lang": "fr"}')["data"]["proposeChange"]
    assert bad["ok"] is False


def test_confirm_match_is_stored_and_used(setup, store: Store) -> None:
    client, keys = setup
    record = {"text": "SHCS 内六角 M8 杯头"}
    confirm = gql(
        client,
        """mutation($record: RecordInput!) { confirmMatch(record: $record, scheme: "CPMS",
        code: "%s") { ok exampleId } }"""
        % SOCKET_SCREW,
        keys["manufacturer"],
        record=record,
    )
    assert confirm["data"]["confirmMatch"]["ok"]
    assert [e.text for e in pending_examples(store)] == ["SHCS 内六角 M8 杯头"], "pending an editor's word"
    match = gql(
        client,
        """query($record: RecordInput!) { match(record: $record) { candidates { code } } }""",
        keys["manufacturer"],
        record=record,
    )
    assert match["data"]["match"]["candidates"][0]["code"] == SOCKET_SCREW


def test_a_confirmed_row_is_stored_as_its_text_and_description_not_its_other_columns(setup, store: Store) -> None:
    client, keys = setup
    record = {
        "name": "内六角圆柱头螺钉",
        "spec": "M8*20",
        "columns": [{"name": "SKU", "value": "SKU-0042"}, {"name": "描述", "value": "杯头螺丝 发黑 12.9级"}],
    }
    confirm = gql(
        client,
        """mutation($record: RecordInput!) { confirmMatch(record: $record, scheme: "CPMS",
        code: "%s") { ok } }"""
        % SOCKET_SCREW,
        keys["manufacturer"],
        record=record,
    )
    assert confirm["data"]["confirmMatch"]["ok"]
    (stored,) = [e.text for e in pending_examples(store) if e.code == SOCKET_SCREW]
    assert "SKU-0042" not in stored
    assert split_context(stored) == ("内六角圆柱头螺钉 M8*20", "杯头螺丝 发黑 12.9级")


def test_confirming_a_deprecated_code_stores_nothing_and_names_the_replacement(setup, store: Store) -> None:
    client, keys = setup
    gql(
        client,
        """mutation { deprecateClass(scheme: "CPMS", code: "%s", expectedVersion: 1,
        replacedBy: "%s", reason: "merged") { ok } }"""
        % (SOCKET_SCREW, HEX_BOLT),
        keys["editor"],
    )
    confirm = gql(
        client,
        """mutation($record: RecordInput!) { confirmMatch(record: $record, scheme: "CPMS",
        code: "%s") { ok exampleId userErrors { field code message } } }"""
        % SOCKET_SCREW,
        keys["manufacturer"],
        record={"text": "SHCS 内六角 M8 杯头"},
    )
    payload = confirm["data"]["confirmMatch"]
    assert payload["ok"] is False and payload["exampleId"] is None
    (error,) = payload["userErrors"]
    assert (error["field"], error["code"]) == ("code", "INVALID_INPUT")
    assert "deprecated" in error["message"] and HEX_BOLT in error["message"]
    assert confirm["errors"][0]["extensions"]["replacedBy"] == HEX_BOLT
    assert stored_examples(store).texts.get(("CPMS", SOCKET_SCREW)) is None


def test_editor_sets_a_scheme_s_target_precision_and_reads_its_calibration(setup) -> None:
    client, keys = setup
    query = """mutation($p: Float!) { setTargetPrecision(scheme: "CPMS", precision: $p, reason: "strict buyers") {
        ok userErrors { field code } scheme { code targetPrecision } } }"""
    assert error_codes(gql(client, query, keys["reader"], p=0.99)) == ["FORBIDDEN"]
    bad = gql(client, query, keys["editor"], p=1.5)["data"]["setTargetPrecision"]
    assert not bad["ok"] and bad["userErrors"] == [{"field": "precision", "code": "INVALID_SETTING"}]
    done = gql(client, query, keys["editor"], p=0.99)["data"]["setTargetPrecision"]
    assert done["ok"] and done["scheme"] == {"code": "CPMS", "targetPrecision": 0.99}
    read = """{ schemes { code targetPrecision calibration { kind examples targetPrecision calibrated autoThreshold
        reviewThreshold autoShare autoPrecision reviewShare } } }"""
    schemes = {s["code"]: s for s in gql(client, read)["data"]["schemes"]}
    cpms = {c["kind"]: c for c in schemes["CPMS"]["calibration"]}
    assert set(cpms) == {"class", "item"} and schemes["CPMS"]["targetPrecision"] == 0.99
    # too few examples to know: no auto threshold, every candidate goes to review
    assert cpms["class"]["targetPrecision"] == 0.99 and cpms["class"]["calibrated"] is False
    assert cpms["class"]["autoThreshold"] is None and cpms["class"]["autoShare"] == 0.0
    assert schemes["UNSPSC"]["targetPrecision"] is None
    assert [c["targetPrecision"] for c in schemes["UNSPSC"]["calibration"]] == [0.95]
