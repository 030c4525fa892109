"""The starlette application: `/graphql` and `/healthz`."""

from __future__ import annotations

from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ontology.connection import Connection
from ontology.errors import Unavailable
from ontology.store import Store
from service.graphql_endpoint import GraphQLEndpoint
from service.health import health_report
from service.schema import schema


async def healthz(request: Request) -> JSONResponse:
    """For load balancers: 200 when Neo4j answers, 503 when it does not."""
    try:
        report = await run_in_threadpool(health_report, request.app.state.store)
    except Unavailable as exc:
        return JSONResponse({"status": "unavailable", "reason": exc.message}, status_code=503)
    return JSONResponse({"status": "ok", **report})


def create_app(connection: Connection | None = None) -> Starlette:
    """Build the app for `connection` (default: from the environment). The Neo4j driver is opened
    at startup and closed at shutdown; it reconnects by itself when the server comes back."""

    @asynccontextmanager
    async def lifespan(app: Starlette):
        app.state.store = Store(connection or Connection.from_env())
        try:
            yield
        finally:
            app.state.store.close()

    graphql = GraphQLEndpoint(schema)
    routes = [
        Route("/graphql", graphql.handle, methods=["GET", "POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
