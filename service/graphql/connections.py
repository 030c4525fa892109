"""Relay-style connections with opaque offset cursors, capped at MAX_PAGE items a page."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

import graphene
from graphql import GraphQLResolveInfo

from common.errors import InvalidInput, LimitExceeded

MAX_PAGE = 100
DEFAULT_PAGE = 20


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "o" and int(value) >= 0:
            return int(value)
    except (ValueError, UnicodeDecodeError):
        pass
    raise InvalidInput(f"{cursor!r} is not a cursor this API gave out", field="after")


def page_window(first: int | None, after: str | None) -> tuple[int, int]:
    """(offset, limit) for `first` items after the cursor `after`."""
    limit = DEFAULT_PAGE if first is None else first
    if limit < 0:
        raise InvalidInput("first must not be negative", field="first")
    if limit > MAX_PAGE:
        raise LimitExceeded(f"first is at most {MAX_PAGE}; page through with after", field="first")
    offset = decode_cursor(after) + 1 if after else 0
    return offset, limit


class PageInfo(graphene.ObjectType):
    has_next_page = graphene.Boolean(required=True)
    has_previous_page = graphene.Boolean(required=True)
    start_cursor = graphene.String()
    end_cursor = graphene.String()


class ConnectionData:
    """What a connection resolver returns: one page of nodes, where it starts, and the total."""

    def __init__(self, nodes: Sequence[Any], offset: int, total: int) -> None:
        self.nodes, self.offset, self.total = list(nodes), offset, total


def connection_args(**extra: Any) -> dict[str, Any]:
    return {
        "first": graphene.Int(description=f"page size, at most {MAX_PAGE} (default {DEFAULT_PAGE})"),
        "after": graphene.String(description="cursor of the last item of the previous page"),
        **extra,
    }


_CONNECTIONS: dict[str, type[graphene.ObjectType]] = {}


def connection_for(node_type: Any, name: str | None = None) -> type[graphene.ObjectType]:
    """The connection type of `node_type`, built once per type name. A type that refers to itself
    passes a lambda and its `name`."""
    name = name or node_type._meta.name
    if name not in _CONNECTIONS:
        _CONNECTIONS[name] = _build_connection(node_type, name)
    return _CONNECTIONS[name]


def _build_connection(node_type: Any, name: str) -> type[graphene.ObjectType]:
    edge = type(
        f"{name}Edge",
        (graphene.ObjectType,),
        {
            "cursor": graphene.String(required=True),
            "node": graphene.Field(node_type, required=True),
        },
    )

    def resolve_edges(data: ConnectionData, info: GraphQLResolveInfo) -> Any:
        return [{"cursor": encode_cursor(data.offset + n), "node": node} for n, node in enumerate(data.nodes)]

    def resolve_page_info(data: ConnectionData, info: GraphQLResolveInfo) -> Any:
        end = data.offset + len(data.nodes)
        return PageInfo(
            has_next_page=end < data.total,
            has_previous_page=data.offset > 0,
            start_cursor=encode_cursor(data.offset) if data.nodes else None,
            end_cursor=encode_cursor(end - 1) if data.nodes else None,
        )

    return type(
        f"{name}Connection",
        (graphene.ObjectType,),
        {
            "edges": graphene.List(graphene.NonNull(edge), required=True),
            "nodes": graphene.List(graphene.NonNull(node_type), required=True),
            "page_info": graphene.Field(PageInfo, required=True),
            "total_count": graphene.Int(required=True),
            "resolve_edges": resolve_edges,
            "resolve_nodes": lambda data, info: data.nodes,
            "resolve_page_info": resolve_page_info,
            "resolve_total_count": lambda data, info: data.total,
        },
    )


def connection_field(node_type: Any, description: str, name: str | None = None, **args: Any) -> graphene.Field:
    return graphene.Field(
        connection_for(node_type, name), required=True, description=description, **connection_args(**args)
    )
