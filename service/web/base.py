"""What every workbench page shares: the request's session, principal and language, the
templates, and the guard every handler runs behind (sign-in when anonymous reading is off, the
CSRF check of every POST, refusals rendered as pages).

Handlers render what the domain answers and decide nothing: permissions and validation are the
schema's and the domain functions' (service/web/graph.py).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from common.errors import CpmsError, Forbidden, NotFound, Unauthenticated
from service.auth import Principal
from service.http.uploads import is_multipart, limited_stream, read_form
from service.web import graph
from service.web.messages import LANGUAGES, choose_language, translate
from service.web.session import Session, Sessions, principal_of

LANG_COOKIE = "cpms_lang"
MAX_FORM_BYTES = 256 * 1024  # a form that is not an upload
PAGE_SIZE = 20
HERE = Path(__file__).resolve().parent
PUBLIC = frozenset({"/login"})  # reachable without a session when anonymous reading is off


Handler = Callable[["Page"], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]
Routes = list[tuple[str, Endpoint, list[str]]]  # path, endpoint, methods: what each page module offers


class CsrfRefused(Forbidden):
    """A POST without the session's CSRF token: forged, or from a stale page."""

    code = "CSRF"


@dataclass
class Page:
    """One request as the templates see it."""

    web: Web
    request: Request
    session: Session
    principal: Principal
    lang: str
    form: FormData | None = None

    def render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        return self.web.render(self, template, status, **values)

    @property
    def t(self) -> Callable[..., str]:
        return translate(self.lang)

    def can(self, permission: str) -> bool:
        return self.principal.can(permission)

    @property
    def signed_in(self) -> bool:
        return self.principal.key_id is not None

    async def graph(self, query: str, **variables: Any) -> dict[str, Any]:
        return await graph.run(self.request, self.principal, self.web.timeout_seconds, query, **variables)

    def field(self, name: str, default: str = "") -> str:
        value = self.form.get(name) if self.form is not None else None
        return value.strip() if isinstance(value, str) else default

    def arg(self, name: str, default: str = "") -> str:
        return self.request.query_params.get(name, default).strip()

    def url(self, **changes: Any) -> str:
        """This page's address with some query parameters changed (None drops one)."""
        params = dict(self.request.query_params)
        params.update({k: str(v) for k, v in changes.items() if v is not None})
        for key in [k for k, v in changes.items() if v is None]:
            params.pop(key, None)
        return self.request.url.path + ("?" + urlencode(params) if params else "")


class Web:
    def __init__(self, sessions: Sessions, anonymous_read: bool, timeout_seconds: float) -> None:
        self.sessions = sessions
        self.anonymous_read = anonymous_read
        self.timeout_seconds = timeout_seconds  # of each GraphQL call a page makes, as on /graphql
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.globals["LANGUAGES"] = LANGUAGES

    def render(self, page: Page, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        html = self.templates.get_template(template).render(page=page, t=page.t, **values)
        return HTMLResponse(html, status_code=status)

    def refusal(self, page: Page, status: int, message: str) -> HTMLResponse:
        return self.render(page, "error.html", status=status, message=message)

    def view(self, handler: Handler) -> Endpoint:
        """A route for `handler(page)`: session, principal, language; a POST's form and CSRF
        token checked first; CpmsErrors shown as pages with their status (403 for refusals)."""

        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            session = self.sessions.read(request)
            lang = choose_language(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))
            try:
                principal = await principal_of(session, request.app.state.store, self.anonymous_read)
            except CpmsError as exc:  # Neo4j is down: say so, as /graphql does (503)
                page = Page(self, request, session, _NOBODY, lang)
                return self.refusal(page, exc.http_status, exc.message)
            page = Page(self, request, session, principal or _NOBODY, lang)
            response = await self._answer(handler, page, principal is None)
            self.sessions.write(response, session, request.url.scheme == "https")
            if request.query_params.get("lang") in LANGUAGES:
                response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", path="/")
            return response

        return endpoint

    async def _answer(self, handler: Handler, page: Page, needs_sign_in: bool) -> Response:
        try:
            return await self._guarded(handler, page, needs_sign_in)
        finally:
            if page.form is not None:
                await page.form.close()  # an upload's temporary files

    async def _guarded(self, handler: Handler, page: Page, needs_sign_in: bool) -> Response:
        request = page.request
        try:
            if needs_sign_in and request.url.path not in PUBLIC:
                if request.method == "POST":
                    raise Unauthenticated(page.t("auth.required"))
                return RedirectResponse("/login?" + urlencode({"next": str(request.url.path)}), 303)
            if request.method == "POST":
                page.form = await _form(request, request.app.state.jobs.config.max_upload_bytes)
                sent = page.field("csrf") or request.headers.get("x-csrf-token")
                if not page.session.token_matches(sent):
                    raise CsrfRefused(page.t("error.csrf"))
            return await handler(page)
        except (Forbidden, Unauthenticated) as exc:
            message = exc.message if isinstance(exc, CsrfRefused) else f"{page.t('error.forbidden')} ({exc.message})"
            return self.refusal(page, 403, message)
        except NotFound as exc:
            return self.refusal(page, 404, exc.message)
        except CpmsError as exc:
            return self.refusal(page, exc.http_status if exc.http_status < 500 else 503, exc.message)


_NOBODY = Principal(role="anonymous", name="")  # renders the sign-in page when anonymous reading is off


async def _form(request: Request, max_upload_bytes: int) -> FormData:
    if is_multipart(request):
        return await read_form(request, max_upload_bytes)
    body = b"".join([chunk async for chunk in limited_stream(request, MAX_FORM_BYTES)])
    fields: list[tuple[str, str | UploadFile]] = list(
        parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    )
    return FormData(fields)


def redirect(url: str) -> RedirectResponse:
    """After a successful POST: the page to show, fetched anew (a reload repeats no write)."""
    return RedirectResponse(url, 303)


def json_value(value: Any) -> dict[str, Any]:
    """An object from a JSONString field (whose output may be JSON text of JSON text)."""
    while isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}
