"""Search text is words, never a query language: operators, many words and odd characters through
the real app and the real full-text index."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from ontology.connection import Connection
from ontology.maintenance import wipe
from ontology.queries import MAX_SEARCH_TERMS
from ontology.store import Store
from tests.bundles import HEX_BOLT
from tests.graphql_support import error_codes, gql, load_fixture_schemes, running_app

SEARCH = """query($text: String!) { search(text: $text, scheme: "CPMS", first: 5) { nodes { code label } } }"""


@pytest.fixture(scope="module")
def api(connection: Connection, session_store: Store) -> Iterator[TestClient]:
    wipe(session_store)
    load_fixture_schemes(session_store)
    with running_app(connection) as client:
        yield client


@pytest.mark.parametrize(
    "text",
    ["螺栓 NOT 螺栓", "bolt AND", "OR hex", "NOT", "hex && bolt || nut", "hex AND OR NOT bolt", 'hex "bolt', "bolt~2^"],
)
def test_operators_are_words(api: TestClient, text: str) -> None:
    body = gql(api, SEARCH, text=text)
    assert "errors" not in body, body
    assert body["status"] == 200


def test_not_does_not_exclude(api: TestClient) -> None:
    """`螺栓 NOT 六角` would exclude the hex bolt were NOT an operator; as words, it is found."""
    codes = [n["code"] for n in gql(api, SEARCH, text="六角头螺栓 NOT 六角头螺栓")["data"]["search"]["nodes"]]
    assert HEX_BOLT in codes


def test_many_terms_are_a_named_limit(api: TestClient) -> None:
    text = " ".join(f"w{i}" for i in range(MAX_SEARCH_TERMS + 1))
    body = gql(api, SEARCH, text=text)
    assert error_codes(body) == ["LIMIT_EXCEEDED"]
    assert "search" in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["field"] == "text"
    long_chinese = "螺栓" * 1100  # one "word" of 2,199 bigrams
    assert error_codes(gql(api, SEARCH, text=long_chinese)) == ["LIMIT_EXCEEDED"]
    at_limit = " ".join(f"w{i}" for i in range(MAX_SEARCH_TERMS))
    assert "errors" not in gql(api, SEARCH, text=at_limit)
