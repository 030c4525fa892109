"""Who teaches whom: a manufacturer's confirmation counts for its own key at once and for everyone
only after an editor accepts it. Through the real app, the real store and the real matcher."""

from __future__ import annotations

from ontology.apikeys import create_key
from ontology.examples import stored_examples
from tests.bundles import HEX_BOLT
from tests.graphql_support import error_codes, gql, running_app

MATCH = """query($record: RecordInput!) { match(record: $record) { decision top { code } } }"""
CONFIRM = """mutation($record: RecordInput!, $code: String!) { confirmMatch(record: $record, scheme: "CPMS",
    code: $code) { ok exampleId state } }"""
PENDING = """{ examples(state: "pending") { id code text actor state } }"""
ACCEPT = """mutation($id: ID!) { acceptExample(id: $id) { ok example { id state decidedBy } userErrors { code } } }"""
REJECT = """mutation($id: ID!) { rejectExample(id: $id) { ok example { id state } userErrors { code } } }"""

PLACEHOLDER = {"text": "化学锚栓 M10"}  # a product the fixture standard has no class for


def best(client, key=None, record=PLACEHOLDER):
    """The code the matcher would put forward: its top candidate, unless it decided none."""
    result = gql(client, MATCH, key, record=record)["data"]["match"]
    return result["top"]["code"] if result["decision"] != "none" else None


def test_a_manufacturer_teaches_itself_until_an_editor_accepts(setup, store, connection) -> None:
    client, keys = setup
    maker, editor = keys["manufacturer"], keys["editor"]
    other = create_key(store, "another manufacturer", "manufacturer")[1]
    before = best(client)
    assert before != HEX_BOLT

    confirmed = gql(client, CONFIRM, maker, record=PLACEHOLDER, code=HEX_BOLT)["data"]["confirmMatch"]
    assert confirmed["ok"] and confirmed["state"] == "pending"
    assert best(client, maker) == HEX_BOLT, "it counts for its own key at once"
    assert best(client, maker, {"text": " 化学锚栓  M10 "}) == HEX_BOLT, "the same record, however spaced"
    assert best(client) == before and best(client, other) == before, "and for no one else"
    assert stored_examples(store).texts == {}, "no accepted example yet"

    with running_app(connection) as restarted:  # another process, built from the store
        assert best(restarted, maker) == HEX_BOLT and best(restarted) == before

    assert error_codes(gql(client, PENDING, maker)) == ["FORBIDDEN"]
    pending = gql(client, PENDING, editor)["data"]["examples"]
    assert pending == [
        {
            "id": confirmed["exampleId"],
            "code": HEX_BOLT,
            "text": "化学锚栓 M10",
            "actor": "test manufacturer",
            "state": "pending",
        }
    ]
    refused = gql(client, ACCEPT, maker, id=confirmed["exampleId"])["data"]["acceptExample"]
    assert refused["ok"] is False and refused["userErrors"] == [{"code": "FORBIDDEN"}]

    accepted = gql(client, ACCEPT, editor, id=confirmed["exampleId"])["data"]["acceptExample"]
    assert accepted["example"] == {"id": confirmed["exampleId"], "state": "accepted", "decidedBy": "test editor"}
    assert best(client) == HEX_BOLT and best(client, other) == HEX_BOLT, "accepted: it teaches everyone"
    assert stored_examples(store).texts == {("CPMS", HEX_BOLT): ["化学锚栓 M10"]}
    again = gql(client, ACCEPT, editor, id=confirmed["exampleId"])["data"]["acceptExample"]
    assert again["ok"] is False and again["userErrors"] == [{"code": "INVALID_INPUT"}]
    assert gql(client, PENDING, editor)["data"]["examples"] == []


def test_a_rejected_example_teaches_no_one(setup, store) -> None:
    client, keys = setup
    maker, editor = keys["manufacturer"], keys["editor"]
    before = best(client, maker)
    confirmed = gql(client, CONFIRM, maker, record=PLACEHOLDER, code=HEX_BOLT)["data"]["confirmMatch"]
    assert best(client, maker) == HEX_BOLT
    rejected = gql(client, REJECT, editor, id=confirmed["exampleId"])["data"]["rejectExample"]
    assert rejected["example"] == {"id": confirmed["exampleId"], "state": "rejected"}
    assert best(client, maker) == before and best(client) == before
    missing = gql(client, REJECT, editor, id="nope")["data"]["rejectExample"]
    assert missing["userErrors"] == [{"code": "NOT_FOUND"}]


def test_an_editors_confirmation_teaches_everyone_at_once(setup, store) -> None:
    client, keys = setup
    confirmed = gql(client, CONFIRM, keys["editor"], record=PLACEHOLDER, code=HEX_BOLT)["data"]["confirmMatch"]
    assert confirmed["state"] == "accepted"
    assert best(client) == HEX_BOLT
    assert stored_examples(store).texts == {("CPMS", HEX_BOLT): ["化学锚栓 M10"]}
