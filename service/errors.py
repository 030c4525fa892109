"""How errors look to API users: one shape, rendered here and nowhere else; and the errors of
HTTP requests themselves (a body that is not JSON, too large, a mutation sent with GET)."""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from common.errors import CpmsError, LimitExceeded

log = logging.getLogger("cpms")


class BadRequest(CpmsError):
    """A request the endpoint cannot read: not JSON, no query, variables that are not an object."""

    code = "BAD_REQUEST"
    http_status = 400


class WrongMethod(BadRequest):
    """A mutation sent with GET."""

    http_status = 405


class UnsupportedMediaType(BadRequest):
    """A POST that is neither JSON nor a multipart upload (a browser sends text/plain and forms
    cross-site without asking first)."""

    http_status = 415


class TooLarge(LimitExceeded):
    """A request body or an upload over its size limit, refused while it arrives."""

    http_status = 413


def format_graphql_error(error: GraphQLError) -> dict[str, Any]:
    """A GraphQL error with `extensions.code`; unexpected exceptions are logged, not leaked."""
    formatted: dict[str, Any] = dict(error.formatted)
    original = error.original_error
    if isinstance(original, CpmsError):
        formatted["message"] = original.message
        formatted["extensions"] = {"code": original.code, **original.details}
    elif original is not None and not isinstance(original, GraphQLError):  # a variable's bad value is one
        log.exception("unexpected error in a resolver", exc_info=original)
        formatted["message"] = "internal error"
        formatted["extensions"] = {"code": "INTERNAL"}
    else:
        formatted.setdefault("extensions", {})["code"] = "GRAPHQL_VALIDATION_FAILED"
    return formatted


def http_status_for(errors: list[dict[str, Any]], has_data: bool) -> int:
    """503 when nothing could be answered because Neo4j is down, so load balancers and clients
    can retry; 401 when nothing could be answered for want of a key; otherwise GraphQL's usual
    200 (errors sit beside the data) or 400 for a bad request."""
    codes = {e.get("extensions", {}).get("code") for e in errors}
    if not has_data and "UNAVAILABLE" in codes:
        return 503
    if not has_data and "UNAUTHENTICATED" in codes:
        return 401
    if not has_data and codes == {"GRAPHQL_VALIDATION_FAILED"}:
        return 400
    return 200


def error_response(error: CpmsError) -> JSONResponse:
    """An error of a plain HTTP route, in the shape GraphQL errors have, with the error's status."""
    body = {"errors": [{"message": error.message, "extensions": {"code": error.code, **error.details}}]}
    return JSONResponse(body, error.http_status)


def _shape(message: str, code: str, status: int) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status)


async def http_error_response(request: Request, exc: HTTPException) -> JSONResponse:
    """Starlette's own refusals (no such route, a method the route does not take) in our shape."""
    code = "NOT_FOUND" if exc.status_code == 404 else "BAD_REQUEST"
    return _shape(exc.detail, code, exc.status_code)


async def unexpected_error_response(request: Request, exc: Exception) -> JSONResponse:
    """A bug answered in our shape: logged with its traceback, not sent."""
    log.error("unexpected error answering %s %s", request.method, request.url.path, exc_info=exc)
    return _shape("internal error", "INTERNAL", 500)
