"""The starlette application: `/graphql`, `/healthz`, the bulk jobs' `/jobs` routes, the registry's
catalog exports (`/registry/...`) and the workbench (`/`, service/web/)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from common.errors import Unavailable
from common.settings import Settings, load_settings
from ontology.changes import change_token
from ontology.connection import Connection
from ontology.store import Store
from service.change_watch import ChangeWatch
from service.cpu_pool import CpuPool
from service.errors import http_error_response, unexpected_error_response
from service.graphql.endpoint import GraphQLEndpoint
from service.graphql.health import health_report
from service.graphql.schema import schema
from service.http.jobs import job_routes
from service.http.registry import registry_routes
from service.jobs.runner import Jobs, JobsConfig
from service.live_matcher import MatcherService
from service.read_cache import ReadCache
from service.reconcile.routes import reconcile_routes
from service.registry.background import JobRegistrations
from service.store_watch import KeyMemory, StoreWatch
from service.web import web_routes


async def healthz(request: Request) -> JSONResponse:
    """For load balancers: 200 when Neo4j answers, 503 when it does not, within CPMS_HEALTH_SECONDS."""
    try:
        report = await request.app.state.store_watch.report()
    except Unavailable as exc:
        return JSONResponse({"status": "unavailable", "reason": exc.message}, status_code=503)
    return JSONResponse({"status": "ok", **report})


def create_app(
    connection: Connection | None = None, settings: Settings | None = None, jobs: JobsConfig | None = None
) -> Starlette:
    """Build the app with `settings` (default: from the environment) for `connection` (default: the
    settings'). The Neo4j driver is opened at startup and closed at shutdown; it reconnects by
    itself when the server comes back. The matcher is built from the store in the background. Bulk
    jobs (`jobs`, default: the settings') run in the background too, and resume at startup."""
    settings = settings or load_settings()
    service = settings.service

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Resolvers wait on Neo4j in threads; the default pool (cores + 4) would queue them.
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(service.threads, "cpms-io"))
        app.state.cpu = CpuPool(service.cpu_threads)
        app.state.store = store = Store(connection or Connection.from_settings(settings))
        app.state.read_cache = ReadCache(ChangeWatch(lambda: change_token(store)))
        app.state.store_watch = StoreWatch(lambda: health_report(store), service.health_seconds)
        app.state.keys = KeyMemory(service.key_memory_seconds)
        # the matcher reads through a driver of its own: its rebuilds and its looks for changes
        # take no connection from the requests' pool
        matcher_store = Store(connection or Connection.from_settings(settings))
        app.state.matcher = MatcherService(matcher_store, service.matcher_poll_seconds)
        app.state.matcher.start()
        app.state.jobs = Jobs(jobs or JobsConfig.from_settings(settings), app.state.store)
        app.state.jobs.start()
        app.state.registrations = JobRegistrations(app.state.store, app.state.jobs)
        asyncio.get_running_loop().run_in_executor(None, app.state.registrations.recover)
        try:
            yield
        finally:
            app.state.cpu.stop()
            app.state.jobs.stop()
            app.state.matcher.stop()
            matcher_store.close()
            app.state.store.close()

    graphql = GraphQLEndpoint(schema, settings.graphql, anonymous_read=service.anonymous_read)
    routes = [
        Route("/graphql", graphql.handle, methods=["GET", "POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        *job_routes(),
        *registry_routes(service.anonymous_read, settings.graphql.timeout_seconds),
        *web_routes(settings),
        *reconcile_routes(service.anonymous_read, settings.graphql.timeout_seconds),
    ]
    handlers: dict[Any, Callable[..., Awaitable[Response]]] = {
        HTTPException: http_error_response,
        Exception: unexpected_error_response,
    }
    return Starlette(routes=routes, lifespan=lifespan, exception_handlers=handlers)
