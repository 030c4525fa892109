"""The workbench: server-rendered pages for standards editors and reviewers, on the same app and
the same rules as the API. `web_routes` is all the app needs to mount it."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from common.settings import Settings
from service.web import account_pages, editing_pages, matching_pages, ontology_pages, registry_pages
from service.web.base import HERE, Web
from service.web.session import Sessions, session_secret


def web_routes(settings: Settings) -> list[BaseRoute]:
    """The workbench's pages at `/`, and its static files (htmx, GraphiQL) at `/static`."""
    service = settings.service
    sessions = Sessions(lambda: session_secret(service.session_secret, settings.home))
    web = Web(sessions, service.anonymous_read, settings.graphql.timeout_seconds)
    routes: list[BaseRoute] = [Mount("/static", StaticFiles(directory=HERE / "static"), name="static")]
    for module in (ontology_pages, editing_pages, matching_pages, registry_pages, account_pages):
        routes += [Route(path, endpoint, methods=methods) for path, endpoint, methods in module.routes(web)]
    return routes
