"""GraphQL documents read under limits, and the cache of the ones accepted.

Every cost of a document is bounded before it is paid: its length before it is read, its tokens,
fields and aliases while it is parsed (the parser stops at the first one over), its estimated cost
before it is validated (validation compares fields in pairs, so it is the dearest step), and its
depth by validation. Only documents that passed all of it are cached, and the cache is bounded by
the memory its documents hold, not by their number.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, specified_rules, validate
from graphql.language import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionNode,
    SelectionSetNode,
    TokenKind,
)
from graphql.language.parser import Parser
from graphql.validation import ValidationRule

from common.errors import LimitExceeded
from common.settings import GraphQLLimits
from service.graphql.limits import query_cost

PARSED_BYTES_PER_TOKEN = 400
"""What a parsed document holds a token: its tokens (kept for error locations) and nodes, as
tracemalloc measured them."""


def check_length(query: str, limits: GraphQLLimits) -> None:
    most = limits.max_query_chars
    if len(query) > most:
        raise LimitExceeded(
            f"查询文本超过 {most:,} 个字符；the query has {len(query):,} characters, over the limit of "
            f"{most:,}: send large inputs as variables",
            field="query",
            limit=most,
        )


_TOKEN = re.compile(
    r'"""(?:[^"\\]++|\\"""|\\|"(?!""))*+"""'  # a block string
    r'|"[^"\\\n\r]*+(?:\\.[^"\\\n\r]*+)*+"'  # a string
    r"|#[^\n\r]*+"  # a comment: the parser counts these too
    r"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?"
    r"|[_A-Za-z][_0-9A-Za-z]*+"
    r"|\.\.\.|[!$&()@:=\[\]{}|]"
)


def check_tokens(query: str, limits: GraphQLLimits) -> None:
    """Refuse `query` if it has over `limits.max_tokens` tokens (as GraphQL's parser counts them)
    or a string over `limits.max_literal_chars`, read by a regular expression before the parser
    starts: 5 ms for a 200 KB document of one-character strings, where the parser took 80 ms to
    reach its limit, and a long string is never read a character at a time."""
    longest = limits.max_literal_chars
    for count, token in enumerate(_TOKEN.finditer(query), 1):
        if count > limits.max_tokens:
            raise _over("tokens", limits.max_tokens, "查询的词法单元")
        if query[token.start()] == '"':
            quotes = 6 if query.startswith('"""', token.start()) else 2
            if token.end() - token.start() - quotes > longest:
                raise LimitExceeded(
                    f"查询中的字符串超过 {longest:,} 个字符，请改用变量传入；a string in the query is over "
                    f"{longest:,} characters: send large inputs as variables",
                    field="query",
                    limit=longest,
                )


def _over(what: str, limit: int, zh: str) -> LimitExceeded:
    return LimitExceeded(f"{zh}超过 {limit} 个；the query has over {limit} {what}", field="query", limit=limit)


class _CountingParser(Parser):
    """graphql-core's parser, stopped at the first field, alias, fragment or repeated field over
    the limits: what validation then compares in pairs is bounded before it starts."""

    def __init__(self, query: str, limits: GraphQLLimits) -> None:
        super().__init__(query, max_tokens=limits.max_tokens)
        self.limits = limits
        self.selections = self.aliases = self.fragments = 0
        self._names: list[dict[str, int]] = []  # response names in each open selection set
        self._inline = False  # the next selection set is an inline fragment's: it merges into its parent's

    def parse_selection_set(self) -> SelectionSetNode:
        # the parser recurses per level: a nesting the depth limit would refuse anyway (inline
        # fragments nest without adding depth, hence twice) is stopped before Python's stack is
        nesting = 2 * self.limits.max_depth
        if len(self._names) >= nesting:
            raise _over("levels of nested selections", nesting, "查询的嵌套层数")
        self._names.append(self._names[-1] if self._inline and self._names else {})
        self._inline = False
        try:
            return super().parse_selection_set()
        finally:
            self._names.pop()

    def parse_selection(self) -> SelectionNode:
        self.selections += 1
        if self.selections > self.limits.max_fields:
            raise _over("fields", self.limits.max_fields, "查询的字段")
        return super().parse_selection()

    def parse_field(self) -> FieldNode:
        token = self._lexer.token
        if token.kind is TokenKind.NAME and token.value is not None:
            if self._lexer.lookahead().kind is TokenKind.COLON:
                self.aliases += 1
                if self.aliases > self.limits.max_aliases:
                    raise _over("aliases", self.limits.max_aliases, "查询的别名")
            names = self._names[-1]
            names[token.value] = seen = names.get(token.value, 0) + 1
            if seen > self.limits.max_repeats:
                what, zh = f"repeats of {token.value!r} in one selection", f"同一层的 {token.value} "
                raise _over(what, self.limits.max_repeats, zh)
        return super().parse_field()

    def parse_fragment(self) -> FragmentSpreadNode | InlineFragmentNode:
        self._inline = True  # read by parse_selection_set, which a spread never reaches
        try:
            return super().parse_fragment()
        finally:
            self._inline = False

    def parse_fragment_definition(self) -> FragmentDefinitionNode:
        self.fragments += 1
        if self.fragments > self.limits.max_fragments:
            raise _over("fragments", self.limits.max_fragments, "查询的片段")
        return super().parse_fragment_definition()


def parse_limited(query: str, limits: GraphQLLimits) -> tuple[DocumentNode, int]:
    """The document and its number of tokens. Raises LimitExceeded (length, tokens, strings,
    fields, aliases, fragments) or GraphQLError (syntax, nesting)."""
    check_length(query, limits)
    check_tokens(query, limits)
    parser = _CountingParser(query, limits)
    try:
        return parser.parse_document(), parser._token_counter
    except GraphQLError:
        if parser._token_counter >= limits.max_tokens:  # graphql-core's own limit stopped it
            raise _over("tokens", limits.max_tokens, "查询的词法单元") from None
        raise


def check_cost(document: DocumentNode, operation: str | None, variables: dict[str, Any], limits: GraphQLLimits) -> None:
    most = limits.max_cost
    if query_cost(document, operation, variables, most) > most:
        raise LimitExceeded(
            f"查询代价超过 {most:,}；query cost over the limit of {most:,}; ask for smaller pages", limit=most
        )


Prepared = tuple[DocumentNode | None, list[GraphQLError]]


class Documents:
    """Parse, cost-check and validate documents, keeping the accepted ones."""

    def __init__(self, schema: GraphQLSchema, limits: GraphQLLimits, rules: tuple[type[ValidationRule], ...] = ()):
        self.schema = schema
        self.limits = limits
        self.budget = limits.max_cached_document_bytes
        self.rules = (*specified_rules, *rules)
        self._cache: OrderedDict[str, tuple[DocumentNode, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()  # documents are prepared in worker threads

    def cached(self, query: str) -> DocumentNode | None:
        with self._lock:
            entry = self._cache.get(query)
            if entry is None:
                return None
            self._cache.move_to_end(query)
            return entry[0]

    def prepare(
        self, query: str, operation: str | None, variables: dict[str, Any], check: Callable[[], None]
    ) -> Prepared:
        """A new document read, its cost checked for this request, validated; kept if accepted.
        Raises LimitExceeded; a syntax or validation error comes back in the list. `check` is
        called between the steps (a time limit)."""
        try:
            document, tokens = parse_limited(query, self.limits)
        except LimitExceeded:
            raise
        except GraphQLError as exc:
            return None, [exc]
        check()
        check_cost(document, operation, variables, self.limits)
        check()
        errors = validate(self.schema, document, self.rules)
        if not errors:
            self._keep(query, document, tokens * PARSED_BYTES_PER_TOKEN + 2 * len(query))
        return document, list(errors)

    def _keep(self, query: str, document: DocumentNode, size: int) -> None:
        """`size`: what the document holds in memory, its tokens (kept for error locations), its
        nodes and its text."""
        if size > self.budget // 4:  # one big document must not push out all the others
            return
        with self._lock:
            if query in self._cache:
                return
            self._cache[query] = (document, size)
            self._bytes += size
            while self._bytes > self.budget:
                _, (_, dropped) = self._cache.popitem(last=False)
                self._bytes -= dropped

    @property
    def cached_bytes(self) -> int:
        return self._bytes
