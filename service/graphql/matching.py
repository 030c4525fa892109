"""GraphQL matching: match one record or a batch, and turn users' decisions into examples."""

from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLResolveInfo

from common.errors import InvalidInput, LimitExceeded
from common.settings import GraphQLLimits
from matchers import MatchResult
from matchers.record import example_text
from matchers.result import Candidate
from ontology.examples import ExampleState, KeyExample, add_example, decide_example, examples_in_state
from ontology.rows import uid
from service.cpu_pool import turns
from service.graphql.context import ctx
from service.graphql.enums import CandidateKind, Decision, Kind
from service.graphql.ontology_types import ClassType, ItemType
from service.graphql.payloads import MutationPayload, mutation

MAX_BATCH = 1000
MAX_EXAMPLES = 100


class ColumnInput(graphene.InputObjectType):
    name = graphene.String(required=True, description="column header, for example 规格型号 or material")
    value = graphene.String(required=True)


class RecordInput(graphene.InputObjectType):
    """A manufacturer's record: free text, named fields, or any columns of a catalog row."""

    text = graphene.String(description="the whole record as one text, e.g. 304不锈钢六角螺栓 M8*30 镀锌")
    name = graphene.String(description="品名 / product name")
    spec = graphene.String(description="规格型号 / specification")
    material = graphene.String(description="材质")
    finish = graphene.String(description="表面处理")
    brand = graphene.String(description="品牌")
    model = graphene.String(description="型号")
    columns = graphene.List(graphene.NonNull(ColumnInput), description="other columns, by header")


class ColumnFieldInput(graphene.InputObjectType):
    """Which column holds a field, where its header does not say (or says wrongly)."""

    field = graphene.String(required=True, description="name, spec, model, material, finish, standard, brand, ...")
    header = graphene.String(description="the column's header; none: no column is read as the field")


_NAMED = ("text", "name", "spec", "material", "finish", "brand", "model")


def check_record(record_input: dict[str, Any], limits: GraphQLLimits, where: str = "record") -> None:
    """Refuse a record with a field over `limits.max_field_chars` or over `limits.max_columns`
    columns, naming the field (`records[3].columns[2].value`) and the limit, before any of it is read."""
    columns = record_input.get("columns") or []
    most, longest = limits.max_columns, limits.max_field_chars
    if len(columns) > most:
        raise LimitExceeded(
            f"记录的列数超过 {most}；a record has at most {most} columns, {where} has {len(columns)}",
            field=f"{where}.columns",
            limit=most,
        )
    values = [(f"{where}.{name}", record_input.get(name)) for name in _NAMED]
    for i, column in enumerate(columns):
        values += [(f"{where}.columns[{i}].name", column["name"]), (f"{where}.columns[{i}].value", column["value"])]
    _check_lengths(values, longest)


def _check_lengths(values: list[tuple[str, str | None]], longest: int) -> None:
    """Refuse the first (field, value) over `longest` characters, naming the field."""
    for field, value in values:
        if value is not None and len(value) > longest:
            raise LimitExceeded(
                f"字段 {field} 超过 {longest} 个字符；{field} has {len(value)} characters, over the limit of {longest}",
                field=field,
                limit=longest,
            )


def check_mapping(mapping: list[dict[str, Any]] | None, limits: GraphQLLimits) -> None:
    """As `check_record`, for the column mapping that comes with it."""
    mapping = mapping or []
    if len(mapping) > limits.max_columns:
        raise LimitExceeded(
            f"映射的列数超过 {limits.max_columns}；mapping names at most {limits.max_columns} columns",
            field="mapping",
            limit=limits.max_columns,
        )
    values = [
        (f"mapping[{i}].{name}", entry.get(name)) for i, entry in enumerate(mapping) for name in ("field", "header")
    ]
    _check_lengths(values, limits.max_field_chars)


def record_from(record_input: dict[str, Any]) -> str | dict[str, str]:
    fields = {k: v for k in _NAMED[1:] if (v := record_input.get(k))}
    for column in record_input.get("columns") or []:
        fields[column["name"]] = column["value"]
    text = record_input.get("text")
    if not fields:
        return text or ""
    if text:
        fields["description"] = text
    return fields


class AttributeCheck(graphene.ObjectType):
    key = graphene.String(required=True)
    record = graphene.List(graphene.NonNull(graphene.String), required=True)
    candidate = graphene.List(graphene.NonNull(graphene.String), required=True)
    agrees = graphene.Boolean(required=True)


class MatchCandidate(graphene.ObjectType):
    scheme = graphene.String(required=True)
    code = graphene.String(required=True)
    kind = graphene.Field(CandidateKind, required=True)
    label = graphene.String(required=True)
    score = graphene.Float(required=True, description="0-100, about the probability in percent of being right")
    matched_text = graphene.String(required=True, description="the label, synonym or example that matched")
    matched_source = graphene.String(required=True)
    matched_terms = graphene.List(graphene.NonNull(graphene.String), required=True)
    replaces = graphene.String(description="the deprecated code the record named, which this replaces")
    attributes = graphene.List(graphene.NonNull(AttributeCheck), required=True)
    foreign_attributes = graphene.List(graphene.NonNull(graphene.String), required=True)
    features = graphene.JSONString(required=True, description="the inputs of the score")
    of_class = graphene.Field(ClassType, name="class", description="the class, when kind is class")
    item = graphene.Field(ItemType, description="the standard item, when kind is item")

    @staticmethod
    def resolve_of_class(candidate: Candidate, info: GraphQLResolveInfo) -> Any:
        if candidate.kind != "class":
            return None
        return ctx(info).loaders.classes.load_now(uid(candidate.scheme, candidate.code))

    @staticmethod
    async def resolve_item(candidate: Candidate, info: GraphQLResolveInfo) -> Any:
        if candidate.kind != "item":
            return None
        item = await ctx(info).loaders.items.load(uid(candidate.scheme, candidate.code))
        return (candidate.scheme, item) if item else None


class PropertyValue(graphene.ObjectType):
    property = graphene.String(required=True)
    label = graphene.String(required=True)
    value = graphene.String(description="enum value code or text")
    number = graphene.Float(description="in the property's unit")
    unit = graphene.String()
    text = graphene.String(required=True, description="what the record says")
    source = graphene.String(required=True, description="text or column:<name>")


class Conflict(graphene.ObjectType):
    property = graphene.String(required=True)
    record = graphene.String(required=True)
    expected = graphene.List(graphene.NonNull(graphene.String), required=True)
    reason = graphene.String(required=True)


class MatchResultType(graphene.ObjectType):
    class Meta:
        name = "MatchResult"

    text = graphene.String(required=True, description="the record, normalized")
    read_as = graphene.String(description="pinyin in the record read as Chinese, when that matched better")
    scheme = graphene.String(required=True)
    kind = graphene.Field(Kind, required=True)
    decision = graphene.Field(
        Decision, required=True, description="whether to trust top: auto (yes), review (a person decides) or none (no)"
    )
    top = graphene.Field(MatchCandidate, description="the best-ranked candidate, whatever the decision")
    best = graphene.Field(
        MatchCandidate, deprecation_reason="the same as top; read top, and the decision for whether to trust it"
    )
    candidates = graphene.List(graphene.NonNull(MatchCandidate), required=True)
    values = graphene.List(
        graphene.NonNull(PropertyValue), required=True, description="record values on the top candidate's template"
    )
    missing_required = graphene.List(graphene.NonNull(graphene.String), required=True)
    conflicts = graphene.List(graphene.NonNull(Conflict), required=True)
    warnings = graphene.List(graphene.NonNull(graphene.String), required=True)

    resolve_best = staticmethod(lambda result, _: result.top)


def _match(
    info: GraphQLResolveInfo,
    record_input: dict[str, Any],
    scheme: str,
    kind: str | None,
    limit: int | None,
    mapping: list[dict[str, Any]] | None,
) -> MatchResult:
    service = ctx(info).app.state.matcher
    record = record_from(record_input)
    taught = service.taught(ctx(info).principal.key_id, scheme, record)
    return service.get().match(record, scheme=scheme, kind=kind, limit=limit, taught=taught, columns=_columns(mapping))


def _columns(mapping: list[dict[str, Any]] | None) -> dict[str, str | None] | None:
    return {m["field"]: m.get("header") for m in mapping} if mapping else None


MATCH_ARGS = {
    "scheme": graphene.String(description="CPMS (default), UNSPSC, GPC or HS"),
    "kind": graphene.Argument(Kind, description="class (default) or item"),
    "limit": graphene.Int(description="candidates to return (default 5)"),
    "mapping": graphene.List(
        graphene.NonNull(ColumnFieldInput),
        description="which column holds a field (model number, brand ...) where the headers do not say",
    ),
}


class MatchQuery(graphene.ObjectType):
    match = graphene.Field(
        MatchResultType, required=True, record=graphene.Argument(RecordInput, required=True), **MATCH_ARGS
    )
    match_batch = graphene.List(
        graphene.NonNull(MatchResultType),
        required=True,
        records=graphene.Argument(graphene.List(graphene.NonNull(RecordInput)), required=True),
        description=f"up to {MAX_BATCH} records a call, results in the same order",
        **MATCH_ARGS,
    )

    @staticmethod
    async def resolve_match(
        root: object,
        info: GraphQLResolveInfo,
        record: dict[str, Any],
        scheme: str = "CPMS",
        kind: str | None = None,
        limit: int | None = None,
        mapping: list[dict[str, Any]] | None = None,
    ) -> MatchResult:
        ctx(info).principal.require("match")
        check_record(record, ctx(info).limits)
        check_mapping(mapping, ctx(info).limits)
        return await ctx(info).compute(_match, info, record, scheme, kind, limit, mapping)

    @staticmethod
    async def resolve_match_batch(
        root: object,
        info: GraphQLResolveInfo,
        records: list[dict[str, Any]],
        scheme: str = "CPMS",
        kind: str | None = None,
        limit: int | None = None,
        mapping: list[dict[str, Any]] | None = None,
    ) -> list[MatchResult]:
        ctx(info).principal.require("batch")
        if len(records) > MAX_BATCH:
            raise LimitExceeded(f"matchBatch takes at most {MAX_BATCH} records; got {len(records)}", field="records")
        for i, record in enumerate(records):
            check_record(record, ctx(info).limits, f"records[{i}]")

        check_mapping(mapping, ctx(info).limits)

        def run(chunk: list[dict[str, Any]]) -> list[MatchResult]:
            return [_match(info, r, scheme, kind, limit, mapping) for r in chunk]

        results: list[MatchResult] = []
        for chunk in turns(records, record_chars):
            results += await ctx(info).compute(run, chunk)
        return results


def record_chars(record: dict[str, Any]) -> int:
    named = sum(len(record.get(name) or "") for name in _NAMED)
    return named + sum(len(c["name"]) + len(c["value"]) for c in record.get("columns") or [])


class FeedbackPayload(MutationPayload):
    example_id = graphene.String()
    state = graphene.String(
        description="accepted (an editor's: it teaches every caller) or pending (it teaches your key's "
        "matches now, everyone's once an editor accepts it)"
    )


async def _feedback(
    info: GraphQLResolveInfo,
    record: dict[str, Any],
    scheme: str,
    code: str,
    decision: str,
    wrong_code: str | None = None,
) -> FeedbackPayload:
    context = ctx(info)
    principal = context.principal
    principal.require("feedback")
    check_record(record, context.limits)
    parsed = record_from(record)
    # stored as the matcher keeps it (its text, and its description as context), so that it
    # teaches the same after a restart; SKU, price and other columns are left out
    text = example_text(parsed)
    state: ExampleState = "accepted" if principal.can("curate") or principal.key_id is None else "pending"
    example_id = await context.write(
        add_example, scheme, code, text, principal.name, decision, wrong_code, principal.key_id, state
    )
    service = context.app.state.matcher
    if principal.key_id is None or state == "accepted":
        await context.compute(service.confirm, example_id, parsed, scheme, code)
    else:
        service.teach_key(KeyExample(example_id, principal.key_id, scheme, code, text))
    return FeedbackPayload(ok=True, user_errors=[], example_id=example_id, state=state)


class ExampleType(graphene.ObjectType):
    class Meta:
        name = "Example"

    id = graphene.ID(required=True)
    scheme = graphene.String(required=True)
    code = graphene.String(required=True, description="the class or item it is an example of")
    text = graphene.String(required=True, description="the record as the matcher keeps it")
    actor = graphene.String(required=True, description="who confirmed or corrected it")
    decision = graphene.String(required=True, description="confirm or correct")
    wrong_code = graphene.String(description="what the matcher had proposed, for a correction")
    state = graphene.String(required=True, description="pending, accepted or rejected")
    at = graphene.String(required=True)
    decided_by = graphene.String()


class ExampleQuery(graphene.ObjectType):
    examples = graphene.List(
        graphene.NonNull(ExampleType),
        required=True,
        state=graphene.String(description="pending (default), accepted or rejected"),
        first=graphene.Int(description=f"at most {MAX_EXAMPLES} (default 20), oldest first"),
        description="confirmed examples by state: pending ones wait for an editor (editors only)",
    )

    @staticmethod
    async def resolve_examples(
        root: object, info: GraphQLResolveInfo, state: ExampleState = "pending", first: int = 20
    ) -> list[ExampleType]:
        ctx(info).principal.require("curate")
        if state not in ("pending", "accepted", "rejected"):
            raise InvalidInput("state is pending, accepted or rejected", field="state")
        if not 0 <= first <= MAX_EXAMPLES:
            raise LimitExceeded(f"first is 0 to {MAX_EXAMPLES}", field="first")
        rows = await ctx(info).call(examples_in_state, ctx(info).store, state, first)
        return [ExampleType(**row.model_dump()) for row in rows]


class ExamplePayload(MutationPayload):
    example = graphene.Field(ExampleType)


async def _decide(info: GraphQLResolveInfo, id: str, accept: bool) -> ExamplePayload:
    context = ctx(info)
    context.principal.require("curate")
    example = await context.write(decide_example, id, accept, context.principal.name)
    service = context.app.state.matcher
    service.forget_key_example(example.id)
    if accept:
        await context.compute(service.confirm, example.id, example.text, example.scheme, example.code)
    return ExamplePayload(ok=True, user_errors=[], example=ExampleType(**example.model_dump()))


class FeedbackMutation(graphene.ObjectType):
    confirm_match = graphene.Field(
        FeedbackPayload,
        required=True,
        record=graphene.Argument(RecordInput, required=True),
        scheme=graphene.String(required=True),
        code=graphene.String(required=True),
        description="the match was right: the record becomes an example of the code",
    )
    correct_match = graphene.Field(
        FeedbackPayload,
        required=True,
        record=graphene.Argument(RecordInput, required=True),
        scheme=graphene.String(required=True),
        wrong_code=graphene.String(required=True),
        code=graphene.String(required=True),
        description="the match was wrong: the record becomes an example of the right code",
    )

    @staticmethod
    @mutation(FeedbackPayload)
    async def resolve_confirm_match(
        root: object, info: GraphQLResolveInfo, record: dict[str, Any], scheme: str, code: str
    ) -> FeedbackPayload:
        return await _feedback(info, record, scheme, code, "confirm")

    @staticmethod
    @mutation(FeedbackPayload)
    async def resolve_correct_match(
        root: object, info: GraphQLResolveInfo, record: dict[str, Any], scheme: str, wrong_code: str, code: str
    ) -> FeedbackPayload:
        return await _feedback(info, record, scheme, code, "correct", wrong_code)


class ExampleMutation(graphene.ObjectType):
    accept_example = graphene.Field(
        ExamplePayload,
        required=True,
        id=graphene.ID(required=True),
        description="a pending example teaches every caller from now on (editors)",
    )
    reject_example = graphene.Field(
        ExamplePayload,
        required=True,
        id=graphene.ID(required=True),
        description="a pending example teaches no one, its key's matches included (editors)",
    )

    @staticmethod
    @mutation(ExamplePayload)
    async def resolve_accept_example(root: object, info: GraphQLResolveInfo, id: str) -> ExamplePayload:
        return await _decide(info, id, True)

    @staticmethod
    @mutation(ExamplePayload)
    async def resolve_reject_example(root: object, info: GraphQLResolveInfo, id: str) -> ExamplePayload:
        return await _decide(info, id, False)
