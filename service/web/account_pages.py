"""Signing in and out with an API key, and the admins' page of API keys."""

from __future__ import annotations

import asyncio

from starlette.responses import Response

from common.errors import InvalidInput
from ontology.apikeys import ROLES, authenticate, create_key, list_keys, revoke_key
from service.web.base import Page, Routes, Web, redirect


def routes(web: Web) -> Routes:
    return [
        ("/login", web.view(login), ["GET", "POST"]),
        ("/logout", web.view(logout), ["POST"]),
        ("/keys", web.view(keys), ["GET", "POST"]),
        ("/keys/{id}/revoke", web.view(revoke), ["POST"]),
    ]


def _next(text: str) -> str:
    """Only a path of this site: never an open redirect."""
    return text if text.startswith("/") and not text.startswith("//") else "/"


async def login(page: Page) -> Response:
    if page.request.method == "GET":
        return page.render("login.html", next=_next(page.arg("next")), error=None)
    key = await asyncio.to_thread(authenticate, page.request.app.state.store, page.field("key"))
    if key is None:
        return page.render("login.html", status=401, next=_next(page.field("next")), error=page.t("auth.bad_key"))
    page.session.sign_in(key.id)
    return redirect(_next(page.field("next")))


async def logout(page: Page) -> Response:
    page.session.sign_out()
    return redirect("/")


async def keys(page: Page) -> Response:
    page.principal.require("admin")
    store = page.request.app.state.store
    created = error = None
    if page.request.method == "POST":
        try:
            _, created = await asyncio.to_thread(create_key, store, page.field("name"), page.field("role"))
        except InvalidInput as exc:
            error = exc.message
    listed = await asyncio.to_thread(list_keys, store)
    return page.render("keys.html", keys=listed, roles=ROLES, created=created, error=error)


async def revoke(page: Page) -> Response:
    page.principal.require("admin")
    await asyncio.to_thread(revoke_key, page.request.app.state.store, page.request.path_params["id"])
    return redirect("/keys")
