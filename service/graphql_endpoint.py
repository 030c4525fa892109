"""The `/graphql` endpoint: GraphiQL for browsers, JSON GraphQL over POST (and GET) for programs.

Resolvers are synchronous (the Neo4j driver is), so execution runs in starlette's thread pool and
never blocks the event loop.
"""

from __future__ import annotations

import json
from typing import Any

import graphene
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from service.errors import format_graphql_error, http_status_for

MAX_BODY_BYTES = 1_000_000

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


def _bad_request(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}, status)


class GraphQLEndpoint:
    def __init__(self, schema: graphene.Schema) -> None:
        self.schema = schema

    async def handle(self, request: Request) -> Response:
        if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
            return HTMLResponse(GRAPHIQL_HTML)
        if request.method == "GET":
            params: dict[str, Any] = dict(request.query_params)
            if "variables" in params:
                try:
                    params["variables"] = json.loads(params["variables"])
                except ValueError:
                    return _bad_request("variables is not valid JSON")
        elif request.method == "POST":
            body = await request.body()
            if len(body) > MAX_BODY_BYTES:
                return _bad_request(f"request body over {MAX_BODY_BYTES} bytes", 413)
            try:
                params = json.loads(body)
            except ValueError:
                return _bad_request("request body is not valid JSON")
            if not isinstance(params, dict):
                return _bad_request("request body must be one JSON object (batching is not supported)")
        else:
            return Response(status_code=405, headers={"Allow": "GET, POST"})
        query = params.get("query")
        if not isinstance(query, str) or not query.strip():
            return _bad_request('no GraphQL query given: send {"query": "..."}')
        variables = params.get("variables") or None
        if variables is not None and not isinstance(variables, dict):
            return _bad_request("variables must be a JSON object")
        result = await run_in_threadpool(
            self.schema.execute,
            query,
            variable_values=variables,
            operation_name=params.get("operationName"),
            context_value={"request": request, "app": request.app},
        )
        payload: dict[str, Any] = {"data": result.data}
        if result.errors:
            payload["errors"] = [format_graphql_error(e) for e in result.errors]
        status = http_status_for(payload.get("errors", []), has_data=_has_data(result.data))
        return JSONResponse(payload, status_code=status)


def _has_data(data: dict[str, Any] | None) -> bool:
    return bool(data) and any(value is not None for value in data.values())
