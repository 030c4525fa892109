"""The executor's shortcut for plain scalar fields answers exactly as graphql-core's general path,
errors included."""

from __future__ import annotations

from dataclasses import dataclass

import graphene
import pytest
from graphql import ExecutionContext, ExecutionResult, execute, parse

from service.graphql.execution import LeanExecutionContext


@dataclass
class Thing:
    name: str | None
    size: object
    note: str | None = None


class ThingType(graphene.ObjectType):
    class Meta:
        name = "Thing"

    name = graphene.String(required=True)
    size = graphene.Int()
    note = graphene.String()
    shout = graphene.String(required=True, times=graphene.Int())

    @staticmethod
    def resolve_shout(thing, info, times=1):
        return (thing.name or "").upper() * times


class Query(graphene.ObjectType):
    things = graphene.List(graphene.NonNull(ThingType), required=True)

    @staticmethod
    def resolve_things(root, info):
        return info.context


SCHEMA = graphene.Schema(query=Query).graphql_schema
QUERY = parse("{ things { name size note shout(times: 2) } }")


def run(things: list[Thing], context_class: type[ExecutionContext]) -> tuple[object, list[str]]:
    result = execute(SCHEMA, QUERY, context_value=things, execution_context_class=context_class)
    assert isinstance(result, ExecutionResult)  # no resolver here is async
    return result.data, [f"{e.message} at {e.path}" for e in result.errors or ()]


@pytest.mark.parametrize(
    "things",
    [
        [Thing("bolt", 8), Thing("nut", None, "M8")],  # plain values, and nulls where allowed
        [Thing("bolt", 8), Thing(None, 3)],  # null in a non-null field: the list goes null
        [Thing("bolt", "eight")],  # a value that does not serialize
        [Thing("bolt", 2**40)],  # out of range for Int
    ],
)
def test_shortcut_answers_as_the_general_path(things: list[Thing]) -> None:
    lean = run(things, LeanExecutionContext)
    assert lean == run(things, ExecutionContext)
    assert lean[0] is not None or lean[1]


def test_plain_fields_take_the_shortcut() -> None:
    data, errors = run([Thing("bolt", 8, "M8")], LeanExecutionContext)
    assert data == {"things": [{"name": "bolt", "size": 8, "note": "M8", "shout": "BOLTBOLT"}]} and not errors
    shortcuts = {id(f): name for name, f in SCHEMA.get_type("Thing").fields.items()}
    taken = {shortcuts[key] for key, s in LeanExecutionContext._shortcuts.items() if s and key in shortcuts}
    assert taken == {"name", "size", "note"}  # not `shout`: it has a resolver and an argument
