"""Text that is not Unicode is refused at the edge, naming where; invisible characters inside a
word do not break it. Through the real app, the real store and the real matcher."""

from __future__ import annotations

import json
from typing import Any

from starlette.testclient import TestClient

from matchers.normalize import normalize
from tests.bundles import HEX_BOLT
from tests.http_support import assert_error_shape

SURROGATE = "\ud800"


def post_escaped(client: TestClient, query: str, key: str | None = None, **variables: Any) -> Any:
    """Post as JSON with every non-ASCII character escaped, as `\\ud800` may be sent in JSON."""
    body = json.dumps({"query": query, "variables": variables}, ensure_ascii=True).encode()
    headers = {"content-type": "application/json", **({"authorization": f"Bearer {key}"} if key else {})}
    return client.post("/graphql", content=body, headers=headers)


PROPOSE = (
    """mutation($payload: JSONString!, $reason: String!) { proposeChange(kind: add_synonym, scheme: "CPMS",
    target: "%s", payload: $payload, reason: $reason) { ok } }"""
    % HEX_BOLT
)
CONFIRM = """mutation($record: RecordInput!) { confirmMatch(record: $record, scheme: "CPMS", code: "%s") { ok } }""" % (
    HEX_BOLT
)
SEARCH = """query($text: String!) { search(text: $text) { totalCount } }"""
MATCH = """query($record: RecordInput!) { match(record: $record) { decision top { code } } }"""


def test_lone_surrogates_are_named_invalid_input(setup) -> None:
    client, keys = setup
    cases: list[tuple[str, str | None, dict[str, Any], str | None]] = [
        (
            PROPOSE,
            keys["manufacturer"],
            {"payload": '{"text": "外六角"}', "reason": f"因为{SURROGATE}"},
            "variables.reason",
        ),
        (PROPOSE, keys["manufacturer"], {"payload": '{"text": "\\ud800"}', "reason": "x"}, None),
        (CONFIRM, keys["manufacturer"], {"record": {"text": f"六角螺栓{SURROGATE}"}}, "variables.record.text"),
        (
            CONFIRM,
            keys["manufacturer"],
            {"record": {"columns": [{"name": "品名", "value": SURROGATE}]}},
            "variables.record.columns.0.value",
        ),
        (SEARCH, None, {"text": f"螺栓{SURROGATE}"}, "variables.text"),
        (MATCH, None, {"record": {"name": f"{SURROGATE}螺栓"}}, "variables.record.name"),
    ]
    for query, key, variables, path in cases:
        response = post_escaped(client, query, key, **variables)
        if path is None:  # a JSONString holding an escaped surrogate: refused where it is parsed
            body = response.json()
            assert response.status_code < 500 and body["errors"][0]["extensions"]["code"] == "INVALID_INPUT", body
            continue
        error = assert_error_shape(response, 400, "INVALID_INPUT")
        assert error["extensions"]["field"] == path and "surrogate" in error["message"]
    raw_in_query = post_escaped(client, '{ search(text: "螺栓%s") { totalCount } }' % SURROGATE)
    assert assert_error_shape(raw_in_query, 400, "INVALID_INPUT")["extensions"]["field"] == "query"
    assert client.post("/graphql", json={"query": SEARCH, "variables": {"text": "螺栓😀"}}).status_code == 200


def test_invisible_characters_inside_a_name_are_removed(setup) -> None:
    client, _ = setup
    plain = client.post("/graphql", json={"query": MATCH, "variables": {"record": {"text": "六角头螺栓 M8*30"}}})
    assert plain.json()["data"]["match"]["top"]["code"] == HEX_BOLT
    for mark in ("\u200b", "\u200d", "\ufeff", "\u2060", "\u00ad"):
        text = f"六{mark}角头{mark}螺栓 M8*{mark}30"
        response = client.post("/graphql", json={"query": MATCH, "variables": {"record": {"text": text}}})
        assert response.json()["data"]["match"] == plain.json()["data"]["match"], repr(mark)


def test_normalize_removes_invisible_characters() -> None:
    assert normalize("六角\u200b螺栓 M8\u00ad*30\ufeff") == normalize("六角螺栓 M8*30") == "六角螺栓 m8x30"
    assert normalize("hex\u200dbolt") == "hexbolt"
