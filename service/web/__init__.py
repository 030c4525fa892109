"""The workbench: server-rendered pages for standards editors and reviewers, on the same app and
the same rules as the API. `web_routes` is all the app needs to mount it."""

from __future__ import annotations

import os
from pathlib import Path

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from service.settings import ServiceSettings
from service.web import account_pages, editing_pages, matching_pages, ontology_pages
from service.web.base import HERE, Web
from service.web.session import Sessions, session_secret


def web_routes(settings: ServiceSettings, home: Path | None = None) -> list[BaseRoute]:
    """The workbench's pages at `/`, and its static files (htmx, GraphiQL) at `/static`."""
    home = home or Path(os.environ.get("CPMS_HOME", ".cpms"))
    web = Web(Sessions(lambda: session_secret(settings.session_secret, home)), settings.anonymous_read)
    routes: list[BaseRoute] = [Mount("/static", StaticFiles(directory=HERE / "static"), name="static")]
    for module in (ontology_pages, editing_pages, matching_pages, account_pages):
        routes += [Route(path, endpoint, methods=methods) for path, endpoint, methods in module.routes(web)]
    return routes
