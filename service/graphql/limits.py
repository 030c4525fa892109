"""The estimated cost of a GraphQL request, checked against `CPMS_GRAPHQL_MAX_COST` before it is
validated and before it runs (see `service.graphql.documents`).

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


def _multiplier(field: FieldNode, variables: dict[str, Any]) -> int:
    for argument in field.arguments or ():
        if argument.name.value in ("first", "records"):
            node = argument.value
            if isinstance(node, ListValueNode):  # a list written in the document: its length, not its values
                return max(1, len(node.values))
            if isinstance(node, VariableNode):
                value = variables.get(node.name.value)
            else:
                value = value_from_ast_untyped(node, variables)
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
    known: dict[str, int],
    budget: int,
) -> int:
    """Stops (raising _OverBudget) as soon as a part is over `budget`. A fragment's cost is worked
    out once and kept in `known`: fragments that spread others several times would otherwise make
    the walk itself as long as the cost it finds (a 1.6 KB document took 0.17 s)."""
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            inner = _cost(selection.selection_set, fragments, variables, known, budget)
            total += 1 + _multiplier(selection, variables) * inner
        elif isinstance(selection, InlineFragmentNode):
            total += _cost(selection.selection_set, fragments, variables, known, budget)
        elif isinstance(selection, FragmentSpreadNode):
            total += _fragment_cost(selection.name.value, fragments, variables, known, budget)
        if total > budget:
            raise _OverBudget
    return total


def _fragment_cost(
    name: str,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
    known: dict[str, int],
    budget: int,
) -> int:
    if name in known:
        return known[name]
    known[name] = 0  # a fragment spreading itself (validation refuses it later) adds nothing more
    fragment = fragments.get(name)
    if fragment is not None:
        known[name] = _cost(fragment.selection_set, fragments, variables, known, budget)
    return known[name]


def query_cost(document: DocumentNode, operation_name: str | None, variables: dict[str, Any], budget: int) -> int:
    """The estimated cost, or `budget + 1` once it is known to be over `budget`. The document need
    not be validated yet."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)]
    try:
        known: dict[str, int] = {}
        return max((_cost(o.selection_set, fragments, variables, known, budget) for o in chosen), default=0)
    except _OverBudget:
        return budget + 1
