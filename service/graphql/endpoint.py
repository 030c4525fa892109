"""The `/graphql` endpoint: GraphiQL for browsers, JSON GraphQL over POST (and GET) for programs.

A request is parsed, checked (size, authentication, validation, depth, cost), then executed with
a time limit. Resolvers are async; the ones that reach Neo4j run its blocking driver in threads.
"""

from __future__ import annotations

import asyncio
import functools
import json
from typing import Any

import graphene
from graphene.validation import depth_limit_validator
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    OperationDefinitionNode,
    execute,
    parse,
    specified_rules,
    validate,
)
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from common.errors import CpmsError, LimitExceeded
from common.settings import GraphQLLimits
from service.auth import principal_for
from service.errors import error_response, format_graphql_error, http_status_for
from service.graphql.context import RequestContext
from service.graphql.execution import LeanExecutionContext
from service.graphql.limits import query_cost
from service.http.uploads import graphql_multipart, is_multipart

GRAPHIQL_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CPMS GraphQL</title>
<link rel="stylesheet" href="https://unpkg.com/graphiql@3.8.3/graphiql.min.css"/></head>
<body style="margin:0"><div id="graphiql" style="height:100vh">Loading GraphiQL ...</div>
<script crossorigin src="https://unpkg.com/react@18.3.1/umd/react.production.min.js"></script>
<script crossorigin src="https://unpkg.com/react-dom@18.3.1/umd/react-dom.production.min.js"></script>
<script crossorigin src="https://unpkg.com/graphiql@3.8.3/graphiql.min.js"></script>
<script>
  const fetcher = GraphiQL.createFetcher({url: window.location.pathname});
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {fetcher, defaultQuery: '{ health { version neo4jVersion neo4jEdition } }'}));
</script></body></html>"""


def _error(message: str, code: str, status: int) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status)


class GraphQLEndpoint:
    def __init__(self, schema: graphene.Schema, limits: GraphQLLimits, anonymous_read: bool = True) -> None:
        self.schema = schema
        self.limits = limits
        self.anonymous_read = anonymous_read
        # Clients send the same few documents over and over: parse and validate each once.
        self._prepare = functools.lru_cache(maxsize=1024)(self._parse_and_validate)

    def _parse_and_validate(self, query: str) -> tuple[DocumentNode | None, list[GraphQLError]]:
        try:
            document = parse(query)
        except GraphQLError as exc:
            return None, [exc]
        rules = (*specified_rules, depth_limit_validator(max_depth=self.limits.max_depth))
        return document, validate(self.schema.graphql_schema, document, rules)

    async def _params(self, request: Request) -> dict[str, Any] | JSONResponse:
        if request.method == "GET":
            params: dict[str, Any] = dict(request.query_params)
            if "variables" in params:
                try:
                    params["variables"] = json.loads(params["variables"])
                except ValueError:
                    return _error("variables is not valid JSON", "BAD_REQUEST", 400)
            return params
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > self.limits.max_body_bytes:
                return _error(f"request body over {self.limits.max_body_bytes} bytes", "LIMIT_EXCEEDED", 413)
        try:
            params = json.loads(body)
        except ValueError:
            return _error("request body is not valid JSON", "BAD_REQUEST", 400)
        if not isinstance(params, dict):
            return _error("request body must be one JSON object (batching is not supported)", "BAD_REQUEST", 400)
        return params

    async def handle(self, request: Request) -> Response:
        if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
            return HTMLResponse(GRAPHIQL_HTML)
        if request.method == "POST" and is_multipart(request):
            # a file upload (GraphQL multipart request spec): its files live as long as the request runs
            try:
                async with graphql_multipart(request, request.app.state.jobs.config.max_upload_bytes) as params:
                    return await self._run(request, params)
            except CpmsError as exc:
                return error_response(exc)
        given = await self._params(request)
        if isinstance(given, JSONResponse):
            return given
        return await self._run(request, given)

    async def _run(self, request: Request, params: dict[str, Any]) -> Response:
        query = params.get("query")
        if not isinstance(query, str) or not query.strip():
            return _error('no GraphQL query given: send {"query": "..."}', "BAD_REQUEST", 400)
        variables = params.get("variables") or {}
        if not isinstance(variables, dict):
            return _error("variables must be a JSON object", "BAD_REQUEST", 400)
        operation = params.get("operationName")
        store = request.app.state.store
        authorization = request.headers.get("authorization")
        try:
            principal = (
                await asyncio.to_thread(principal_for, authorization, store, self.anonymous_read)
                if authorization  # only a key needs the store
                else principal_for(None, store, self.anonymous_read)
            )
        except CpmsError as exc:
            return error_response(exc)
        document, errors = self._prepare(query)
        if document is None or errors:
            return JSONResponse({"errors": [format_graphql_error(e) for e in errors]}, 400)
        cost = query_cost(document, operation, variables)
        if cost > self.limits.max_cost:
            return error_response(
                LimitExceeded(f"query cost {cost} is over the limit of {self.limits.max_cost}; ask for smaller pages")
            )
        if request.method == "GET" and any(
            isinstance(d, OperationDefinitionNode) and d.operation.value != "query" for d in document.definitions
        ):
            return _error("mutations must be sent with POST", "BAD_REQUEST", 405)
        context = RequestContext(store=store, principal=principal, app=request.app)
        try:
            async with asyncio.timeout(self.limits.timeout_seconds):  # unlike wait_for, no task of its own
                result = await self._execute(document, variables, operation, context)
        except TimeoutError:
            seconds = self.limits.timeout_seconds
            return error_response(LimitExceeded(f"the request took over {seconds:.0f} s and was stopped"))
        payload: dict[str, Any] = {"data": result.data}
        errors_out = [format_graphql_error(e) for e in result.errors or ()]
        errors_out += [
            format_graphql_error(GraphQLError(e["error"].message, path=e["path"], original_error=e["error"]))
            for e in context.user_errors
        ]
        if errors_out:
            payload["errors"] = errors_out
        return JSONResponse(payload, status_code=http_status_for(errors_out, has_data=_has_data(result.data)))

    async def _execute(
        self, document: DocumentNode, variables: dict[str, Any], operation: str | None, context: RequestContext
    ) -> ExecutionResult:
        result = execute(
            self.schema.graphql_schema,
            document,
            variable_values=variables,
            operation_name=operation,
            context_value=context,
            is_awaitable=_is_awaitable,
            execution_context_class=LeanExecutionContext,
        )
        return result if isinstance(result, ExecutionResult) else await result


_PLAIN = frozenset((str, int, float, bool, type(None), dict, list, tuple))


def _is_awaitable(value: Any) -> bool:
    """As `await` itself looks: on the type (graphql-core's default asks the value, and a pydantic
    model answers a missing attribute by raising), after a quick look for the plain values that
    most fields hold."""
    kind = type(value)
    return kind not in _PLAIN and hasattr(kind, "__await__")


def _has_data(data: dict[str, Any] | None) -> bool:
    return data is not None and any(value is not None for value in data.values())
