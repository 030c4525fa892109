"""HTTP of the reconciliation services: `/reconcile/{scheme}` (protocol 0.2, what OpenRefine 3.x
speaks: GET or form POST with `queries=` or `extend=`, JSONP with `callback=`) and
`/reconcile/{scheme}/1.0-draft` (JSON POST to `match` and `extend`). Every answer carries CORS
headers; errors have the API's one JSON shape (`service/errors.py`) with their HTTP status."""

from __future__ import annotations

import asyncio
import functools
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from common.errors import CpmsError, InvalidInput, LimitExceeded
from matchers import Matcher
from matchers.snapshot import Kind
from service.auth import Principal, request_principal
from service.cpu_pool import Share, turns
from service.errors import error_response
from service.reconcile import entities as ent
from service.reconcile import matching, preview, protocol, suggest
from service.version import __version__

MAX_BODY_BYTES = 1_000_000
BATCH_SIZE = 50
"""What the manifest asks clients to send in one request (at most `protocol.MAX_QUERIES`)."""
V1 = "1.0-draft"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, Accept-Language",
    "Access-Control-Max-Age": "600",
}
Handler = Callable[[Request], Awaitable[Response]]


def reconcile_routes(anonymous_read: bool, timeout_seconds: float) -> list[Route]:
    """The routes of every scheme's service; access as on /graphql, and its time limit."""

    def door(permission: str, handler: Callable[..., Awaitable[Response]]) -> Handler:
        @functools.wraps(handler)
        async def handle(request: Request) -> Response:
            callback = request.query_params.get("callback")
            if request.method == "OPTIONS":
                return Response(status_code=204, headers=CORS)
            try:
                state = request.app.state
                authorization = request.headers.get("authorization")
                principal = await request_principal(
                    authorization, state.store, anonymous_read, state.store_watch, state.keys
                )
                principal.require(permission)
                request.state.deadline = time.monotonic() + timeout_seconds  # for the CPU pool
                response = await asyncio.wait_for(handler(request, principal), timeout_seconds)
            except CpmsError as exc:
                response = error_response(exc)
            except TimeoutError:
                response = error_response(
                    LimitExceeded(f"请求超过 {timeout_seconds:g} 秒 / over {timeout_seconds:g} s")
                )
            if callback and isinstance(response, JSONResponse):
                response = _jsonp(callback, response)
            response.headers.update(CORS)
            return response

        return handle

    methods = ["GET", "POST", "OPTIONS"]
    root, v1 = "/reconcile/{scheme}", "/reconcile/{scheme}/" + V1
    return [
        Route(root, door("match", service_02), methods=methods),
        Route(root + "/suggest/{what}", door("read", suggest_answer), methods=methods),
        Route(root + "/preview", door("read", preview_card), methods=methods),
        Route(root + "/view/{code}", door("read", view_page), methods=methods),
        Route(root + "/propose_properties", door("read", propose_properties), methods=methods),
        Route(v1, door("read", manifest_10), methods=methods),
        Route(v1 + "/match", door("match", match_10), methods=methods),
        Route(v1 + "/extend", door("read", extend_10), methods=methods),
        Route(v1 + "/extend/propose", door("read", propose_properties), methods=methods),
        Route(v1 + "/suggest/{what}", door("read", suggest_answer), methods=methods),
        Route(v1 + "/preview", door("read", preview_card), methods=methods),
    ]


def _jsonp(callback: str, response: JSONResponse) -> Response:
    if not callback.replace("_", "").replace(".", "").replace("$", "").isalnum() or len(callback) > 100:
        return error_response(InvalidInput("callback 只能是 JavaScript 名称 / callback must be a JavaScript name"))
    body = bytes(response.body).decode("utf-8")
    return Response(f"/**/{callback}({body});", response.status_code, media_type="text/javascript")


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise LimitExceeded(f"请求体超过 {MAX_BODY_BYTES} 字节 / body over {MAX_BODY_BYTES} bytes", field="body")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise LimitExceeded(f"请求体超过 {MAX_BODY_BYTES} 字节 / body over {MAX_BODY_BYTES} bytes", field="body")
        chunks.append(chunk)
    return b"".join(chunks)


async def _params(request: Request) -> dict[str, str]:
    """Query string and, for a form POST, the form: what a 0.2 client sends."""
    params = dict(request.query_params)
    if request.method == "POST":
        content_type = request.headers.get("content-type", "").split(";")[0].strip()
        body = await _body(request)
        if content_type == "application/x-www-form-urlencoded":
            form = parse_qs(body.decode("utf-8", "replace"), max_num_fields=20)
            params.update({k: v[0] for k, v in form.items()})
        elif body:
            raise InvalidInput(
                "0.2 协议的 POST 须为表单 / a 0.2 POST must be application/x-www-form-urlencoded", field="content-type"
            )
    return params


async def _json(request: Request) -> Any:
    body = await _body(request)
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise InvalidInput(f"请求体不是有效的 JSON / the body is not valid JSON: {exc}", field="body") from exc


def _lang(request: Request, params: dict[str, str] | None = None) -> str:
    return ent.language((params or request.query_params).get("lang") or request.headers.get("accept-language"))


def _matcher(request: Request) -> Matcher:
    return request.app.state.matcher.get()


_cached: dict[str, Any] = {}


def _entities(request: Request) -> ent.Entities:
    """The scheme as the live matcher's snapshot has it, kept until the matcher reloads."""
    snapshot, scheme = _matcher(request).snapshot, request.path_params["scheme"]
    if _cached.get("snapshot") is not snapshot:
        _cached.clear()
        _cached["snapshot"] = snapshot
    if scheme not in _cached:
        _cached[scheme] = ent.Entities.of(snapshot, scheme)
    return _cached[scheme]


def _base(request: Request, version: str | None = None) -> str:
    root = f"{str(request.base_url).rstrip('/')}/reconcile/{request.path_params['scheme']}"
    return f"{root}/{version}" if version else root


def _manifest_common(request: Request, view: ent.Entities, lang: str) -> dict[str, Any]:
    root = _base(request)
    return {
        "name": f"CPMS {view.scheme} 产品主数据标准 / product master data ({view.scheme})",
        "identifierSpace": f"urn:cpms:{view.scheme}",
        "schemaSpace": f"urn:cpms:{view.scheme}:type",
        "view": {"url": f"{root}/view/{{{{id}}}}"},
        "defaultTypes": view.types(lang),
        "batchSize": BATCH_SIZE,
    }


async def service_02(request: Request, principal: Principal) -> Response:
    params = await _params(request)
    lang = _lang(request, params)
    view = _entities(request)
    if "queries" in params:
        queries = protocol.queries_02(params["queries"])
        found = await _reconcile(request, view, list(queries.values()), lang)
        return JSONResponse({key: {"result": result} for key, result in zip(queries, found, strict=True)})
    if "extend" in params:
        try:
            data = json.loads(params["extend"])
        except (ValueError, RecursionError) as exc:
            raise InvalidInput(f"extend 不是有效的 JSON / extend is not valid JSON: {exc}", field="extend") from exc
        return JSONResponse(await _extend(request, view, protocol.extension(data), lang, V02))
    root = _base(request)
    manifest = {
        "versions": ["0.2"],
        **_manifest_common(request, view, lang),
        "preview": {"url": f"{root}/preview?id={{{{id}}}}", "width": 420, "height": 300},
        "suggest": {
            what: {"service_url": root, "service_path": f"/suggest/{what}"} for what in ("entity", "type", "property")
        },
        "extend": {
            "propose_properties": {"service_url": root, "service_path": "/propose_properties"},
            "property_settings": [
                {
                    "name": "lang",
                    "label": "语言 / language",
                    "type": "select",
                    "default": lang,
                    "help_text": "名称的语言 / the language of names",
                    "choices": [{"value": code, "name": code} for code in ent.LANGUAGES],
                }
            ],
        },
    }
    return JSONResponse(manifest)


async def manifest_10(request: Request, principal: Principal) -> Response:
    lang = _lang(request)
    view = _entities(request)
    manifest = {
        "versions": [V1],
        **_manifest_common(request, view, lang),
        "lang": lang,
        "serviceVersion": __version__,
        "documentation": f"{str(request.base_url).rstrip('/')}/graphql",
        "preview": {"width": 420, "height": 300},
        "suggest": {"entity": True, "type": True, "property": True},
        "extend": {
            "proposeProperties": True,
            "propertySettings": [
                {
                    "id": "lang",
                    "name": "语言 / language",
                    "type": "select",
                    "default": lang,
                    "choices": [{"value": code, "name": code} for code in ent.LANGUAGES],
                }
            ],
        },
        "standardizedScore": True,
    }
    manifest["view"] = {"url": f"{_base(request)}/view/{{id}}"}
    return JSONResponse(manifest)


async def match_10(request: Request, principal: Principal) -> Response:
    if request.method != "POST":
        raise InvalidInput("match 须用 JSON POST / match takes a JSON POST", field="method")
    queries = protocol.queries_10(await _json(request))
    found = await _reconcile(request, _entities(request), queries, _lang(request))
    return JSONResponse({"results": [{"candidates": result} for result in found]})


async def _reconcile(
    request: Request, view: ent.Entities, queries: list[protocol.Query], lang: str
) -> list[list[dict[str, Any]]]:
    matcher = _matcher(request)

    def run(chunk: list[protocol.Query]) -> list[list[dict[str, Any]]]:
        return [matching.reconcile(matcher, view, q, lang) for q in chunk]

    found: list[list[dict[str, Any]]] = []
    share = Share()
    for turn in turns(queries, protocol.query_chars):
        found += await request.app.state.cpu.run(run, turn, deadline=request.state.deadline, share=share)
    return found


V02, V10 = "0.2", V1


async def extend_10(request: Request, principal: Principal) -> Response:
    if request.method != "POST":
        raise InvalidInput("extend 须用 JSON POST / extend takes a JSON POST", field="method")
    request_data = protocol.extension(await _json(request))
    return JSONResponse(await _extend(request, _entities(request), request_data, _lang(request), V10))


async def _extend(
    request: Request, view: ent.Entities, extension: protocol.Extension, lang: str, version: str
) -> dict[str, Any]:
    concepts = {code: view.find(code) for code in extension.ids}
    wanted = [(p["id"], ent.language((p.get("settings") or {}).get("lang") or lang)) for p in extension.properties]
    store = request.app.state.store
    mapped = (
        await asyncio.to_thread(ent.mappings, store, view, list(concepts), lang)
        if any(pid.startswith("mapping.") for pid, _ in wanted)
        else {}
    )
    rows = {
        code: {pid: ent.values(view, concept, pid, plang, mapped.get(code, [])) for pid, plang in wanted}
        for code, concept in concepts.items()
    }
    meta = []
    for pid, _ in wanted:
        entry: dict[str, Any] = {"id": pid, "name": ent.property_name(pid, lang)}
        if pid.startswith("mapping."):
            target = pid.removeprefix("mapping.")
            entry["type"] = {"id": target, "name": target}
            entry["service"] = f"{str(request.base_url).rstrip('/')}/reconcile/{target}"
        elif pid in {"parent", "replacedBy"}:
            entry["type"] = {"id": view.scheme, "name": view.scheme}
        meta.append(entry)
    if version == V02:
        return {"meta": meta, "rows": rows}
    return {
        "meta": meta,
        "rows": [
            {"id": code, "properties": [{"id": pid, "values": vals} for pid, vals in props.items()]}
            for code, props in rows.items()
        ],
    }


async def propose_properties(request: Request, principal: Principal) -> Response:
    lang, view = _lang(request), _entities(request)
    type_id = request.query_params.get("type") or None
    limit = _int(request.query_params.get("limit"), 100, 500, "limit")
    properties = view.properties(type_id, lang)[:limit]
    answer: dict[str, Any] = {"properties": properties, "limit": limit}
    if type_id:
        answer["type"] = type_id
    return JSONResponse(answer)


def _int(raw: str | None, default: int, most: int, field: str) -> int:
    if raw is None or raw == "":
        return default
    if not raw.isdigit():
        raise InvalidInput(f"{field} 须为非负整数 / {field} must be a whole number", field=field)
    return min(int(raw), most)


async def suggest_answer(request: Request, principal: Principal) -> Response:
    what = request.path_params["what"]
    prefix = request.query_params.get("prefix", "")
    if len(prefix) > protocol.MAX_TEXT:
        raise LimitExceeded(f"prefix 超过 {protocol.MAX_TEXT} 个字符 / prefix over {protocol.MAX_TEXT}", field="prefix")
    offset = _int(request.query_params.get("cursor"), 0, 10_000, "cursor")
    limit = _int(request.query_params.get("limit"), suggest.PAGE, suggest.MAX_PAGE, "limit")
    lang, view, matcher, store = _lang(request), _entities(request), _matcher(request), request.app.state.store
    if what == "entity":
        kind: Kind | None = "item" if request.query_params.get("type") == ent.ITEM_TYPE else None
        found = await asyncio.to_thread(suggest.entities, store, matcher, view, prefix, kind, offset, limit, lang)
    elif what == "type":
        found = await asyncio.to_thread(suggest.types, store, matcher, view, prefix, offset, limit, lang)
    elif what == "property":
        found = suggest.properties(view, prefix, offset, limit, lang, matching.RECORD_PROPERTIES)
    else:
        raise InvalidInput(f"suggest 只有 entity、type、property / no suggest {what}", field="what")
    return JSONResponse({"result": found})


async def preview_card(request: Request, principal: Principal) -> Response:
    return await _card(request, request.query_params.get("id", ""))


async def view_page(request: Request, principal: Principal) -> Response:
    """The entity's page: the preview card, on a page of its own."""
    return await _card(request, request.path_params["code"])


async def _card(request: Request, code: str) -> Response:
    view, lang = _entities(request), _lang(request)
    concept = view.find(code)
    mapped = await asyncio.to_thread(ent.mappings, request.app.state.store, view, [code], lang)
    return HTMLResponse(preview.card(view, concept, mapped.get(code, []), lang))
