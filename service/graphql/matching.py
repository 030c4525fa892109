"""GraphQL matching: match one record or a batch, and turn users' decisions into examples."""

from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLResolveInfo

from common.errors import LimitExceeded
from matchers import MatchResult
from matchers.record import example_text
from matchers.result import Candidate
from ontology.examples import add_example
from ontology.rows import uid
from service.graphql.context import ctx
from service.graphql.ontology_types import ClassType, ItemType
from service.graphql.payloads import MutationPayload, mutation

MAX_BATCH = 1000


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


def record_from(record_input: dict[str, Any]) -> str | dict[str, str]:
    fields = {k: v for k in ("name", "spec", "material", "finish", "brand", "model") if (v := record_input.get(k))}
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
    kind = graphene.String(required=True, description="class, item or record")
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
    kind = graphene.String(required=True)
    decision = graphene.String(
        required=True, description="whether to trust top: auto (yes), review (a person decides) or none (no)"
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

    resolve_decision = staticmethod(lambda result, _: result.decision.value)
    resolve_best = staticmethod(lambda result, _: result.top)


def _match(
    info: GraphQLResolveInfo,
    record_input: dict[str, Any],
    scheme: str,
    kind: str | None,
    limit: int | None,
    mapping: list[dict[str, Any]] | None,
) -> MatchResult:
    matcher = ctx(info).app.state.matcher.get()
    return matcher.match(record_from(record_input), scheme=scheme, kind=kind, limit=limit, columns=_columns(mapping))


def _columns(mapping: list[dict[str, Any]] | None) -> dict[str, str | None] | None:
    return {m["field"]: m.get("header") for m in mapping} if mapping else None


MATCH_ARGS = {
    "scheme": graphene.String(description="CPMS (default), UNSPSC, GPC or HS"),
    "kind": graphene.String(description="class (default) or item"),
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
        # CPU-bound for a millisecond or two, so run on the event loop: a worker thread would only
        # add a hand-over and fight the loop for the GIL, and requests are served in turn
        return _match(info, record, scheme, kind, limit, mapping)

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

        def run() -> list[MatchResult]:
            matcher = ctx(info).app.state.matcher.get()
            columns = _columns(mapping)
            return [matcher.match(record_from(r), scheme, kind, limit, columns=columns) for r in records]

        return await ctx(info).call(run)


class FeedbackPayload(MutationPayload):
    example_id = graphene.String()


async def _feedback(
    info: GraphQLResolveInfo,
    record: dict[str, Any],
    scheme: str,
    code: str,
    decision: str,
    wrong_code: str | None = None,
) -> FeedbackPayload:
    context = ctx(info)
    context.principal.require("feedback")
    parsed = record_from(record)
    # stored as the matcher keeps it (its text, and its description as context), so that it
    # teaches the same after a restart; SKU, price and other columns are left out
    text = example_text(parsed)
    example_id = await context.write(add_example, scheme, code, text, context.principal.name, decision, wrong_code)
    await context.call(context.app.state.matcher.confirm, example_id, parsed, scheme, code)
    return FeedbackPayload(ok=True, user_errors=[], example_id=example_id)


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
