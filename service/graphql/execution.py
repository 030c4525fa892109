"""graphql-core's executor with a shortcut for the commonest field of all: a scalar that graphene's
default resolver reads off an object, with no arguments.

The general path builds a resolve info, coerces arguments, asks whether the value is awaitable
and completes it through several calls, and a match result asks for 20 or 30 such fields (what it
saves: docs/matching.md, "Design history"). A shortcut field is read and serialized in two calls. Anything
unusual (a None, a value that does not serialize, an error, middleware) goes the general path,
which then gives the answer or the error it always gave.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from graphene.types.resolver import get_default_resolver
from graphql import (
    ExecutionContext,
    FieldNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
)
from graphql.execution.execute import get_field_def
from graphql.pyutils import AwaitableOrValue, Path

_Shortcut = tuple[Callable[..., Any], Callable[[Any], Any], bool]  # resolver, serializer, nullable


def _shortcut(field: GraphQLField) -> _Shortcut | None:
    """What the shortcut needs, if the field may take it."""
    resolve, kind = field.resolve, field.type
    nullable = not isinstance(kind, GraphQLNonNull)
    if isinstance(kind, GraphQLNonNull):
        kind = kind.of_type
    if not (isinstance(resolve, partial) and resolve.func is get_default_resolver()) or field.args:
        return None
    if not isinstance(kind, GraphQLScalarType | GraphQLEnumType):  # the leaf types
        return None
    return resolve, kind.serialize, nullable


class LeanExecutionContext(ExecutionContext):
    _shortcuts: dict[int, _Shortcut | None] = {}  # by the id of a schema's field, kept for good

    def execute_field(
        self, parent_type: GraphQLObjectType, source: Any, field_nodes: list[FieldNode], path: Path
    ) -> AwaitableOrValue[Any]:
        field = get_field_def(self.schema, parent_type, field_nodes[0])
        if field is not None and not self.middleware_manager:
            key = id(field)
            try:
                shortcut = self._shortcuts[key]
            except KeyError:
                shortcut = self._shortcuts[key] = _shortcut(field)
            if shortcut is not None:
                resolve, serialize, nullable = shortcut
                try:
                    value = resolve(source, None)
                    if value is None:
                        if nullable:
                            return None
                    elif (serialized := serialize(value)) is not None:
                        return serialized
                except Exception:  # noqa: S110 - the general path below reports it
                    pass
        return super().execute_field(parent_type, source, field_nodes, path)
