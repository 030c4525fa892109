"""The `/graphql` endpoint: GraphiQL for browsers, JSON GraphQL over POST (and GET) for programs.

A request is checked (who sends it, the size its body declares, the document's length), its
document read under limits (tokens, fields, aliases) and its cost estimated before it is
validated (see `service.graphql.documents`; a long one in the CPU pool), then executed, all under
the request's time limit. Resolvers are async; the ones that reach Neo4j run its blocking driver
in threads, matching runs in the CPU pool.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import graphene
from graphene.validation import depth_limit_validator
from graphql import DocumentNode, ExecutionResult, GraphQLError, OperationDefinitionNode, execute
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from common.errors import CpmsError, LimitExceeded, Unauthenticated
from common.settings import GraphQLLimits
from matchers.deadline import check
from service.auth import ANONYMOUS, Principal, request_principal
from service.errors import (
    BadRequest,
    UnsupportedMediaType,
    WrongMethod,
    error_response,
    format_graphql_error,
    http_status_for,
)
from service.graphql.context import RequestContext
from service.graphql.documents import Documents, Prepared, check_cost, check_length
from service.http.json_body import parse_json
from service.http.uploads import check_declared_size, graphql_multipart, is_multipart, too_large
from service.text_input import check_text

GRAPHIQL_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CPMS GraphQL</title>
<link rel="stylesheet" href="/static/vendor/graphiql.min.css"/></head>
<body style="margin:0"><div id="graphiql" style="height:100vh">Loading GraphiQL ...</div>
<script src="/static/vendor/react.production.min.js"></script>
<script src="/static/vendor/react-dom.production.min.js"></script>
<script src="/static/vendor/graphiql.min.js"></script>
<script>
  const fetcher = GraphiQL.createFetcher({url: window.location.pathname});
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {fetcher, defaultQuery: '{ health { version neo4jVersion neo4jEdition } }'}));
</script></body></html>"""


class GraphQLEndpoint:
    def __init__(self, schema: graphene.Schema, limits: GraphQLLimits, anonymous_read: bool = True) -> None:
        self.schema = schema
        self.limits = limits
        self.anonymous_read = anonymous_read
        # Clients send the same few documents over and over: each is read and validated once.
        rules = (depth_limit_validator(max_depth=limits.max_depth),)
        self.documents = Documents(schema.graphql_schema, limits, rules)

    async def _params(self, request: Request) -> dict[str, Any]:
        if request.method == "GET":
            params: dict[str, Any] = dict(request.query_params)
            if "variables" in params:
                try:
                    params["variables"] = parse_json(params["variables"], "variables")
                except ValueError:
                    raise BadRequest("variables is not valid JSON") from None
            return params
        media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
        if media_type != "application/json":
            raise UnsupportedMediaType(
                f"send GraphQL as application/json (or a multipart upload), not {media_type or 'no content type'}"
            )
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > self.limits.max_body_bytes:
                raise too_large(self.limits.max_body_bytes, "request body")
        try:
            params = parse_json(body)
        except ValueError:
            raise BadRequest("request body is not valid JSON") from None
        if not isinstance(params, dict):
            raise BadRequest("request body must be one JSON object (batching is not supported)")
        return params

    async def handle(self, request: Request) -> Response:
        if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
            return HTMLResponse(GRAPHIQL_HTML)
        # who is calling, and the size the body declares, before any of the body is read
        try:
            principal = await self._principal(request)
            if request.method == "POST" and is_multipart(request):
                # a file upload (GraphQL multipart request spec), for `submitMatchJob` only: its
                # files live as long as the request runs
                max_bytes = request.app.state.jobs.config.max_upload_bytes
                check_declared_size(request, max_bytes)
                principal.require("jobs")
                async with graphql_multipart(request, max_bytes) as params:
                    return await self._run(request, params, principal)
            check_declared_size(request, self.limits.max_body_bytes, "request body")
            return await self._run(request, await self._params(request), principal)
        except CpmsError as exc:  # refused before execution; errors in resolvers are GraphQL errors
            return error_response(exc)

    async def _principal(self, request: Request) -> Principal:
        state = request.app.state
        authorization = request.headers.get("authorization")
        return await request_principal(authorization, state.store, self.anonymous_read, state.store_watch, state.keys)

    async def _run(self, request: Request, params: dict[str, Any], principal: Principal) -> Response:
        query = params.get("query")
        if not isinstance(query, str) or not query.strip():
            raise BadRequest('no GraphQL query given: send {"query": "..."}')
        variables = params.get("variables") or {}
        if not isinstance(variables, dict):
            raise BadRequest("variables must be a JSON object")
        operation = params.get("operationName")
        check_text(query, "query")
        check_text(variables, "variables")
        check_text(operation, "operationName")
        seconds = self.limits.timeout_seconds
        deadline = time.monotonic() + seconds
        try:
            check_length(query, self.limits)
            async with asyncio.timeout(seconds):  # unlike wait_for, no task of its own
                document = self.documents.cached(query)
                if document is None:
                    document, errors = await self._prepare(request, query, operation, variables, deadline)
                    if document is None or errors:
                        return JSONResponse({"errors": [format_graphql_error(e) for e in errors]}, 400)
                else:  # accepted before: its cost is bounded by the walk's budget
                    check_cost(document, operation, variables, self.limits)
                writes = any(
                    isinstance(d, OperationDefinitionNode) and d.operation.value != "query"
                    for d in document.definitions
                )
                if request.method == "GET" and writes:
                    raise WrongMethod("mutations must be sent with POST")
                if writes and principal is ANONYMOUS:
                    raise Unauthenticated("every mutation needs an API key: send Authorization: Bearer <key>")
                context = RequestContext(
                    store=request.app.state.store,
                    principal=principal,
                    app=request.app,
                    limits=self.limits,
                    deadline=deadline,
                )
                result = await self._execute(document, variables, operation, context)
        except TimeoutError:
            return error_response(LimitExceeded(f"the request took over {seconds:g} s and was stopped"))
        except LimitExceeded as exc:
            return error_response(exc)
        payload: dict[str, Any] = {"data": result.data}
        errors_out = [format_graphql_error(e) for e in result.errors or ()]
        errors_out += [
            format_graphql_error(GraphQLError(e["error"].message, path=e["path"], original_error=e["error"]))
            for e in context.user_errors
        ]
        if errors_out:
            payload["errors"] = errors_out
        return JSONResponse(payload, status_code=http_status_for(errors_out, has_data=_has_data(result.data)))

    async def _prepare(
        self, request: Request, query: str, operation: str | None, variables: dict[str, Any], deadline: float
    ) -> Prepared:
        """A new document read and validated: a short one at once (less work than handing it over),
        a longer one in the CPU pool, under the request's deadline."""
        if len(query) <= self.limits.inline_query_chars:
            return self.documents.prepare(query, operation, variables, check)
        prepared: Prepared = await request.app.state.cpu.run(
            self.documents.prepare, query, operation, variables, check, deadline=deadline
        )
        return prepared

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
