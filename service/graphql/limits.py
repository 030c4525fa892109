"""Limits on what one GraphQL request may ask: its record fields' lengths, depth, estimated
cost (its time limit is a setting, CPMS_REQUEST_SECONDS).

The cost estimate multiplies each field by the page sizes (`first`, default 20) and batch sizes
(`records`) of the lists above it, so `classes(first: 100) { children(first: 100) { ... } }`
counts 100 x 100 nodes, which is what the server would have to fetch.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    value_from_ast_untyped,
)

from service.graphql.connections import DEFAULT_PAGE

MAX_DEPTH = 12
MAX_COST = 50_000

MAX_QUERY_CHARS = 200_000
"""Characters in a GraphQL document; large inputs go in variables (the body may hold 2 MB)."""
INLINE_QUERY_CHARS = 2_000
"""A new document up to this long is read on the event loop (a millisecond or less); a longer one in
the CPU pool."""
MAX_TOKENS = 10_000
"""Tokens in a document (comments included): parsing stops at the next one."""
MAX_FIELDS = 500
"""Fields, fragment spreads and inline fragments in a document: validation compares the fields
that one selection merges in pairs."""
MAX_REPEATS = 5
"""Fields of one response name (`health`, or an alias) in one selection set, for the same reason."""
MAX_FRAGMENTS = 50
"""Fragment definitions in a document."""
MAX_ALIASES = 100
"""Aliased fields in a document (a client matching a few records in one request uses them)."""
MAX_CACHED_DOCUMENT_BYTES = 32 << 20
"""Memory the cache of accepted documents may hold, as estimated from their tokens and text."""
PARSED_BYTES_PER_TOKEN = 400
"""A parsed document's tokens and nodes, measured with tracemalloc."""

MAX_FIELD_CHARS = 2_000
"""Characters in one field of a record (text, name, spec ... or a column's name or value): a
catalog line is tens of characters, a product description a few hundred."""
MAX_COLUMNS = 64
"""Columns in one record."""


def _multiplier(field: FieldNode, variables: dict[str, Any]) -> int:
    for argument in field.arguments or ():
        if argument.name.value in ("first", "records"):
            node = argument.value
            if isinstance(node, ListValueNode):  # a list written in the document: its length, not its values
                return max(1, len(node.values))
            value = variables.get(node.name.value) if isinstance(node, VariableNode) else value_from_ast_untyped(node)
            if isinstance(value, list):
                return max(1, len(value))
            if isinstance(value, int):
                return max(1, value)
    return DEFAULT_PAGE if any(s.name.value in ("edges", "nodes") for s in _fields(field)) else 1


def _fields(field: FieldNode) -> list[FieldNode]:
    selection_set = field.selection_set
    return [s for s in (selection_set.selections if selection_set else ()) if isinstance(s, FieldNode)]


class _OverBudget(Exception):
    pass


def _cost(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
    seen: frozenset[str],
    budget: int,
) -> int:
    """Stops (raising _OverBudget) as soon as a part is over `budget`: fragments that spread
    others several times would otherwise make the walk itself exponential."""
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            total += 1 + _multiplier(selection, variables) * _cost(
                selection.selection_set, fragments, variables, seen, budget
            )
        elif isinstance(selection, InlineFragmentNode):
            total += _cost(selection.selection_set, fragments, variables, seen, budget)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                total += _cost(fragment.selection_set, fragments, variables, seen | {selection.name.value}, budget)
        if total > budget:
            raise _OverBudget
    return total


def query_cost(
    document: DocumentNode, operation_name: str | None, variables: dict[str, Any], budget: int = MAX_COST
) -> int:
    """The estimated cost, or `budget + 1` once it is known to be over `budget`. The document need
    not be validated yet."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)]
    try:
        return max((_cost(o.selection_set, fragments, variables, frozenset(), budget) for o in chosen), default=0)
    except _OverBudget:
        return budget + 1
