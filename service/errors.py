"""How errors look to API users: one shape, rendered here and nowhere else."""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError
from starlette.responses import JSONResponse

from common.errors import CpmsError

log = logging.getLogger("cpms")


def format_graphql_error(error: GraphQLError) -> dict[str, Any]:
    """A GraphQL error with `extensions.code`; unexpected exceptions are logged, not leaked."""
    formatted: dict[str, Any] = dict(error.formatted)
    original = error.original_error
    if isinstance(original, CpmsError):
        formatted["message"] = original.message
        formatted["extensions"] = {"code": original.code, **original.details}
    elif original is not None:
        log.exception("unexpected error in a resolver", exc_info=original)
        formatted["message"] = "internal error"
        formatted["extensions"] = {"code": "INTERNAL"}
    else:
        formatted.setdefault("extensions", {})["code"] = "GRAPHQL_VALIDATION_FAILED"
    return formatted


def http_status_for(errors: list[dict[str, Any]], has_data: bool) -> int:
    """503 when nothing could be answered because Neo4j is down, so load balancers and clients
    can retry; otherwise GraphQL's usual 200 (errors sit beside the data) or 400 for a bad request."""
    codes = {e.get("extensions", {}).get("code") for e in errors}
    if not has_data and "UNAVAILABLE" in codes:
        return 503
    if not has_data and codes == {"GRAPHQL_VALIDATION_FAILED"}:
        return 400
    return 200


def error_response(error: CpmsError) -> JSONResponse:
    """An error of a plain HTTP route, in the shape GraphQL errors have, with the error's status."""
    body = {"errors": [{"message": error.message, "extensions": {"code": error.code, **error.details}}]}
    return JSONResponse(body, error.http_status)
