"""Helpers for tests of the HTTP front door: the documented error shape."""

from __future__ import annotations

from typing import Any


def assert_error_shape(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) <= {"errors", "data"} and body.get("data") is None and body["errors"], body
    error = body["errors"][0]
    assert isinstance(error["message"], str) and error["message"]
    assert error["extensions"]["code"] == code, body
    return error
