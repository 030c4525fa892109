"""What the admin role may do beyond an editor, and mutations without a key."""

from __future__ import annotations

from ontology.apikeys import create_key
from tests.graphql_support import gql
from tests.http_support import assert_error_shape


def test_anonymous_mutation_is_401(setup) -> None:
    client, keys = setup
    mutation = 'mutation { publishRelease(scheme: "CPMS", note: "x") { ok } }'
    response = client.post("/graphql", json={"query": mutation})
    error = assert_error_shape(response, 401, "UNAUTHENTICATED")
    assert "API key" in error["message"]
    reader = gql(client, mutation, keys["reader"])
    assert reader["status"] == 200 and reader["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_admin_manages_keys_and_editors_may_not(setup, store) -> None:
    client, keys = setup
    admin = create_key(store, "test admin", "admin")[1]
    create = (
        "mutation($name: String!, $role: String!) { createApiKey(name: $name, role: $role) "
        "{ ok key userErrors { code field } apiKey { id name role revoked } } }"
    )
    refused = gql(client, create, keys["editor"], name="Yongkang Hardware Co.", role="manufacturer")
    assert refused["data"]["createApiKey"]["ok"] is False and refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert gql(client, "{ apiKeys { id } }", keys["editor"])["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    created = gql(client, create, admin, name="Yongkang Hardware Co.", role="manufacturer")["data"]["createApiKey"]
    assert created["ok"] and created["apiKey"]["role"] == "manufacturer" and created["apiKey"]["revoked"] is False
    new_key, new_id = created["key"], created["apiKey"]["id"]
    listed = gql(client, "{ apiKeys { id name role revoked } }", admin)["data"]["apiKeys"]
    assert {"id": new_id, "name": "Yongkang Hardware Co.", "role": "manufacturer", "revoked": False} in listed
    assert "hash" not in str(listed) and new_key not in str(listed)
    assert gql(client, "{ health { version } }", new_key)["status"] == 200, "the new key works"

    bad_role = gql(client, create, admin, name="x", role="root")["data"]["createApiKey"]
    assert bad_role["ok"] is False and bad_role["userErrors"] == [{"code": "INVALID_INPUT", "field": "role"}]

    revoke = "mutation($id: ID!) { revokeApiKey(id: $id) { ok apiKey { id revoked } userErrors { code } } }"
    revoked = gql(client, revoke, admin, id=new_id)["data"]["revokeApiKey"]
    assert revoked == {"ok": True, "apiKey": {"id": new_id, "revoked": True}, "userErrors": []}
    refused_key = gql(client, "{ health { version } }", new_key)
    assert refused_key["status"] == 401 and refused_key["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    missing = gql(client, revoke, admin, id="nope")["data"]["revokeApiKey"]
    assert missing["ok"] is False and missing["userErrors"][0]["code"] == "NOT_FOUND"


def test_store_address_is_for_admins(setup, store) -> None:
    client, keys = setup
    admin = create_key(store, "test admin", "admin")[1]
    assert gql(client, "{ health { neo4jUri } }", admin)["data"]["health"]["neo4jUri"].startswith("bolt")
    assert gql(client, "{ health { neo4jUri } }", keys["editor"])["data"]["health"]["neo4jUri"] is None
