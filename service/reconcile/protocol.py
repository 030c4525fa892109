"""What clients send, read into one shape whichever protocol version they speak, with limits.

0.2 sends `queries` as a JSON object keyed by the client's own keys (q0, q1 ...), each query with
`query`, `type`, `limit` and `properties` (`pid`, `v`); 1.0-draft sends a list, each query with
`conditions` (the name, and property conditions with `propertyId` and `propertyValue`)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from common.errors import InvalidInput, LimitExceeded

MAX_QUERIES = 100
"""Queries in one batch: OpenRefine sends 10 by default; the manifest says what we take."""
MAX_TEXT = 1000
"""Characters in one query's text or property value."""
MAX_LIMIT = 50
DEFAULT_LIMIT = 5
MAX_IDS = 500
"""Entities in one data extension request."""


class Query(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    type: str | None = None
    limit: int = DEFAULT_LIMIT
    properties: tuple[tuple[str, str], ...] = ()


def query_chars(query: Query) -> int:
    """What matching `query` reads, in characters."""
    return len(query.text) + sum(len(pid) + len(value) for pid, value in query.properties)


class _Property02(BaseModel):
    pid: str
    v: Any


class _Query02(BaseModel):
    query: str
    type: str | list[str] | None = None
    type_strict: str | None = None
    limit: int | None = None
    properties: list[_Property02] = Field(default_factory=list)


class _Condition10(BaseModel):
    matchType: str  # noqa: N815 (the spec's spelling)
    propertyValue: Any  # noqa: N815
    propertyId: str | None = None  # noqa: N815
    required: bool | None = None
    matchQuantifier: str | None = None  # noqa: N815
    matchQualifier: str | None = None  # noqa: N815


class _Query10(BaseModel):
    conditions: list[_Condition10]
    type: str | None = None
    limit: int | None = None


def _text(value: Any, field: str) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False) if value is not None else ""
    if isinstance(value, dict):  # a reconciled cell: {"id": ..., "name": ...}
        text = str(value.get("name") or value.get("id") or "")
    if len(text) > MAX_TEXT:
        raise LimitExceeded(f"{field} 超过 {MAX_TEXT} 个字符 / is over {MAX_TEXT} characters", field=field)
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise InvalidInput(f"{field} 含有无效字符 / contains a lone surrogate", field=field)
    return text


def _limit(limit: int | None, field: str) -> int:
    if limit is None or limit <= 0:
        return DEFAULT_LIMIT
    return min(limit, MAX_LIMIT)


def _count(n: int) -> None:
    if n > MAX_QUERIES:
        raise LimitExceeded(
            f"一批最多 {MAX_QUERIES} 个查询，收到 {n} 个 / at most {MAX_QUERIES} queries a batch; got {n}",
            field="queries",
        )


def queries_02(raw: str) -> dict[str, Query]:
    """The `queries` parameter of a 0.2 request: a JSON object of queries by key."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise InvalidInput(f"queries 不是有效的 JSON / queries is not valid JSON: {exc}", field="queries") from exc
    if not isinstance(data, dict):
        raise InvalidInput(
            "queries 必须是以查询键为键的对象 / queries must be an object of queries by key", field="queries"
        )
    _count(len(data))
    read: dict[str, Query] = {}
    for key, value in data.items():
        field = f"queries.{key}"
        try:
            query = _Query02.model_validate(value)
        except ValidationError as exc:
            raise InvalidInput(f"{field}: {exc.errors()[0]['msg']}", field=field) from exc
        kind = query.type[0] if isinstance(query.type, list) and query.type else query.type
        read[key] = Query(
            text=_text(query.query, f"{field}.query"),
            type=kind if isinstance(kind, str) else None,
            limit=_limit(query.limit, f"{field}.limit"),
            properties=tuple((p.pid, _text(p.v, f"{field}.properties.{p.pid}")) for p in query.properties),
        )
    return read


def queries_10(body: Any) -> list[Query]:
    """The body of a 1.0-draft `match` request: `{"queries": [...]}`."""
    if not isinstance(body, dict) or not isinstance(body.get("queries"), list):
        raise InvalidInput('请求体必须是 {"queries": [...]} / the body must be {"queries": [...]}', field="queries")
    _count(len(body["queries"]))
    read = []
    for i, value in enumerate(body["queries"]):
        field = f"queries[{i}]"
        try:
            query = _Query10.model_validate(value)
        except ValidationError as exc:
            raise InvalidInput(f"{field}: {exc.errors()[0]['msg']}", field=field) from exc
        names = [c for c in query.conditions if c.matchType == "name"]
        props = [c for c in query.conditions if c.matchType == "property" and c.propertyId]
        read.append(
            Query(
                text=" ".join(_text(c.propertyValue, f"{field}.name") for c in names),
                type=query.type,
                limit=_limit(query.limit, f"{field}.limit"),
                properties=tuple((str(c.propertyId), _text(c.propertyValue, f"{field}.{c.propertyId}")) for c in props),
            )
        )
    return read


class Extension(BaseModel):
    """A data extension request: entity ids, and the properties wanted of them."""

    ids: list[str]
    properties: list[dict[str, Any]]


def extension(data: Any) -> Extension:
    try:
        request = Extension.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(f"extend: {exc.errors()[0]['msg']}", field="extend") from exc
    if len(request.ids) > MAX_IDS:
        raise LimitExceeded(f"extend 最多 {MAX_IDS} 个实体 / at most {MAX_IDS} ids", field="ids")
    if any(not isinstance(p.get("id"), str) for p in request.properties):
        raise InvalidInput("extend: 每个属性都要有 id / every property needs an id", field="properties")
    return request
