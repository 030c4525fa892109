"""HTTP route of the product registry, for scripts and spreadsheets:

    GET /registry/firms/{code}/catalog?format=csv|xlsx&encoding=utf-8|gbk

A firm's catalog with its CPMS codes and normalized values (service/registry/exports.py): its
published products, and its drafts too for a key that writes the firm's products. Access as on
/graphql, within its time limit; errors in its JSON shape."""

from __future__ import annotations

import asyncio
from typing import cast, get_args

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from common.errors import CpmsError, InvalidInput, LimitExceeded
from ontology.registry.firms import get_firm
from ontology.registry.products import firm_products
from ontology.store import Store
from service.auth import request_principal
from service.errors import error_response
from service.registry import access
from service.registry.exports import MEDIA_TYPES, ExportEncoding, ExportFormat, export_catalog


def _choice(request: Request, name: str, allowed: tuple[str, ...]) -> str:
    value = request.query_params.get(name, allowed[0]).lower()
    if value not in allowed:
        raise InvalidInput(f"{name} must be one of {', '.join(allowed)}; got {value!r}", field=name)
    return value


def _catalog(store: Store, firm: str, statuses: list[str], format: ExportFormat, encoding: ExportEncoding) -> bytes:
    get_firm(store, firm)  # NOT_FOUND for a firm never registered
    return export_catalog(firm_products(store, firm, statuses), format, encoding)


def registry_routes(anonymous_read: bool, timeout_seconds: float) -> list[Route]:
    async def catalog(request: Request) -> Response:
        try:
            state = request.app.state
            store, authorization = state.store, request.headers.get("authorization")
            principal = await request_principal(authorization, store, anonymous_read, state.store_watch, state.keys)
            firm = access.firm_code(request.path_params["code"])
            statuses = [s.value for s in access.visible_statuses(principal, firm) if s.value != "withdrawn"]
            format = cast(ExportFormat, _choice(request, "format", get_args(ExportFormat)))
            encoding = cast(ExportEncoding, _choice(request, "encoding", get_args(ExportEncoding)))
            body = await asyncio.wait_for(
                asyncio.to_thread(_catalog, store, firm, statuses, format, encoding), timeout_seconds
            )
        except CpmsError as exc:
            return error_response(exc)
        except TimeoutError:
            return error_response(LimitExceeded(f"请求超过 {timeout_seconds:g} 秒 / over {timeout_seconds:g} s"))
        charset = "; charset=gbk" if format == "csv" and encoding == "gbk" else ""
        name = f"{firm}-catalog.{format}"
        return Response(
            body,
            media_type=MEDIA_TYPES[format] + charset,
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )

    return [Route("/registry/firms/{code}/catalog", catalog, methods=["GET"])]
