"""The workbench reads and writes through the GraphQL schema itself, in-process: the same
resolvers, permission checks, validation and loaders as `/graphql`, with the session's principal.
One rule, two front doors."""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from graphql import DocumentNode, ExecutionResult, GraphQLError, execute, parse, validate
from starlette.requests import Request

from common.errors import CpmsError, InvalidInput, LimitExceeded
from service.auth import Principal
from service.graphql.context import RequestContext
from service.graphql.schema import schema


@functools.lru_cache(maxsize=256)
def _document(query: str) -> DocumentNode:
    """The workbench's documents are literals in its code: a bad one is a bug, found by the tests."""
    document = parse(query)
    errors = validate(schema.graphql_schema, document)
    if errors:
        raise errors[0]
    return document


def _is_awaitable(value: Any) -> bool:
    return hasattr(type(value), "__await__")


async def run(
    request: Request, principal: Principal, timeout_seconds: float, query: str, **variables: Any
) -> dict[str, Any]:
    """The data of `query`. A resolver's CpmsError (a mutation's user error included) is raised
    as it was raised, so that the page can tell a version conflict from a refusal."""
    context = RequestContext(store=request.app.state.store, principal=principal, app=request.app)
    try:
        async with asyncio.timeout(timeout_seconds):
            result = await _execute(query, variables, context)
    except TimeoutError:
        raise LimitExceeded(f"the page took over {timeout_seconds:.0f} s and was stopped") from None
    if context.user_errors:
        raise context.user_errors[0]["error"]
    if result.errors:
        raise _cpms_error(result.errors[0])
    return result.data or {}


async def _execute(query: str, variables: dict[str, Any], context: RequestContext) -> ExecutionResult:
    result = execute(
        schema.graphql_schema,
        _document(query),
        variable_values=variables,
        context_value=context,
        is_awaitable=_is_awaitable,
    )
    if isinstance(result, ExecutionResult):
        return result
    return await result


def _cpms_error(error: GraphQLError) -> CpmsError:
    original = error.original_error
    if isinstance(original, CpmsError):
        return original
    if original is not None:
        raise original
    return InvalidInput(error.message)
