"""GraphQL read queries over the ontology (manufacturers and everyone), and change requests."""

from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLResolveInfo

from common.errors import LimitExceeded, NotFound
from matchers.pinyin import looks_like_pinyin
from ontology import browse, change_requests, releases
from ontology.editing import Edit
from ontology.queries import SearchHit, search
from ontology.rows import uid
from service.graphql.connections import ConnectionData, connection_field, page_window
from service.graphql.context import ctx
from service.graphql.enums import ChangeRequestKind, ChangeRequestStatus, ConceptStatus, Kind
from service.graphql.ontology_types import ClassType, ItemFilterInput, ItemType, Scheme
from service.graphql.payloads import MutationPayload, mutation
from service.text_input import check_text


class SearchHitType(graphene.ObjectType):
    class Meta:
        name = "SearchHit"

    kind = graphene.Field(Kind, required=True)
    scheme = graphene.String(required=True)
    code = graphene.String(required=True)
    label = graphene.String()
    status = graphene.Field(ConceptStatus, required=True)
    score = graphene.Float(required=True)
    of_class = graphene.Field(ClassType, name="class")
    item = graphene.Field(ItemType)

    @staticmethod
    def resolve_of_class(hit: SearchHit, info: GraphQLResolveInfo) -> Any:
        return ctx(info).loaders.classes.load_now(uid(hit.scheme, hit.code)) if hit.kind == "class" else None

    @staticmethod
    async def resolve_item(hit: SearchHit, info: GraphQLResolveInfo) -> Any:
        if hit.kind != "item":
            return None
        item = await ctx(info).loaders.items.load(uid(hit.scheme, hit.code))
        return (hit.scheme, item) if item else None


class Release(graphene.ObjectType):
    scheme = graphene.String(required=True)
    number = graphene.Int(required=True)
    published_at = graphene.String(required=True)
    actor = graphene.String(required=True)
    note = graphene.String(required=True)
    concepts = graphene.Int(required=True)


class ReleaseDiff(graphene.ObjectType):
    scheme = graphene.String(required=True)
    from_number = graphene.Int(required=True)
    to_number = graphene.Int(required=True)
    added = graphene.List(graphene.NonNull(graphene.String), required=True)
    changed = graphene.List(graphene.NonNull(graphene.String), required=True)
    deprecated = graphene.List(graphene.NonNull(graphene.String), required=True)
    removed = graphene.List(graphene.NonNull(graphene.String), required=True)


class ChangeRequestType(graphene.ObjectType):
    class Meta:
        name = "ChangeRequest"

    id = graphene.ID(required=True)
    kind = graphene.Field(ChangeRequestKind, required=True)
    scheme = graphene.String(required=True)
    target = graphene.String()
    payload = graphene.JSONString(required=True)
    reason = graphene.String(required=True)
    proposer = graphene.String(required=True)
    status = graphene.Field(ChangeRequestStatus, required=True)
    created_at = graphene.String(required=True)
    decided_by = graphene.String()
    decision_reason = graphene.String()


def _pinyin_hits(
    info: GraphQLResolveInfo, text: str, scheme: str | None, kind: str | None, limit: int
) -> list[SearchHit]:
    """Pinyin (luosi, lsls) is not in the full-text index; the matcher reads it into Chinese."""
    matcher = ctx(info).app.state.matcher.get()
    result = matcher.match(text, scheme=scheme or "CPMS", kind=kind, limit=limit)
    return [
        SearchHit(kind=c.kind, scheme=c.scheme, code=c.code, label=c.label, status="active", score=c.score)
        for c in result.candidates
    ]


class OntologyQuery(graphene.ObjectType):
    schemes = graphene.List(graphene.NonNull(Scheme), required=True)
    class_ = graphene.Field(
        ClassType,
        name="class",
        scheme=graphene.String(required=True),
        code=graphene.String(required=True),
        description="a class by code; deprecated classes stay resolvable and point to replacedBy",
    )
    classes = connection_field(
        ClassType,
        "classes of a scheme: the top level, or the children of parent",
        scheme=graphene.String(required=True),
        parent=graphene.String(),
        status=graphene.Argument(ConceptStatus),
    )
    search = connection_field(
        SearchHitType,
        "classes and items by text in Chinese, English or pinyin, best first",
        text=graphene.String(required=True),
        scheme=graphene.String(),
        kind=graphene.Argument(Kind),
        status=graphene.Argument(ConceptStatus),
        parent=graphene.String(description="only under this class (a code of scheme)"),
    )
    item = graphene.Field(ItemType, scheme=graphene.String(required=True), code=graphene.String(required=True))
    items = connection_field(
        ItemType,
        "standard items, filtered by class and property values (for example thread_size=M8, material=stainless_304)",
        scheme=graphene.String(required=True),
        class_code=graphene.String(name="class"),
        filters=graphene.List(graphene.NonNull(ItemFilterInput)),
    )
    releases = graphene.List(graphene.NonNull(Release), required=True, scheme=graphene.String(required=True))
    release_diff = graphene.Field(
        ReleaseDiff,
        required=True,
        scheme=graphene.String(required=True),
        from_number=graphene.Int(required=True, name="from"),
        to_number=graphene.Int(required=True, name="to"),
    )
    change_requests = connection_field(
        ChangeRequestType, "the editors' queue", status=graphene.Argument(ChangeRequestStatus)
    )

    @staticmethod
    async def resolve_schemes(root: object, info: GraphQLResolveInfo) -> Any:
        ctx(info).principal.require("read")
        return await ctx(info).read(browse.schemes)

    @staticmethod
    async def resolve_class_(root: object, info: GraphQLResolveInfo, scheme: str, code: str) -> Any:
        ctx(info).principal.require("read")
        record = await ctx(info).loaders.classes.load(uid(scheme, code.strip()))
        if record is None:
            raise NotFound(f"class {code} does not exist in {scheme}", field="code")
        return record

    @staticmethod
    async def resolve_classes(
        root: object,
        info: GraphQLResolveInfo,
        scheme: str,
        parent: str | None = None,
        status: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Any:
        ctx(info).principal.require("read")
        offset, limit = page_window(first, after)
        page = await ctx(info).read(browse.classes_page, scheme, parent, status, offset, limit)
        return ConnectionData(await ctx(info).loaders.classes.load_many(page.rows), page.offset, page.total)

    @staticmethod
    async def resolve_search(
        root: object,
        info: GraphQLResolveInfo,
        text: str,
        scheme: str | None = None,
        kind: str | None = None,
        status: str | None = None,
        parent: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Any:
        ctx(info).principal.require("read")
        longest = ctx(info).limits.max_field_chars
        if len(text) > longest:
            raise LimitExceeded(
                f"搜索文本超过 {longest} 个字符；the search text has {len(text)} characters, over the limit of "
                f"{longest}",
                field="text",
                limit=longest,
            )
        offset, limit = page_window(first, after)
        hits = await ctx(info).read(search, text, scheme, limit + 1, kind, status, parent, offset)
        if not hits and offset == 0 and looks_like_pinyin(text):
            hits = await ctx(info).compute(_pinyin_hits, info, text, scheme, kind, limit)
        more = len(hits) > limit
        return ConnectionData(hits[:limit], offset, offset + len(hits[:limit]) + (1 if more else 0))

    @staticmethod
    async def resolve_item(root: object, info: GraphQLResolveInfo, scheme: str, code: str) -> Any:
        ctx(info).principal.require("read")
        item = await ctx(info).loaders.items.load(uid(scheme, code.strip()))
        if item is None:
            raise NotFound(f"item {code} does not exist in {scheme}", field="code")
        return (scheme, item)

    @staticmethod
    async def resolve_items(
        root: object,
        info: GraphQLResolveInfo,
        scheme: str,
        class_code: str | None = None,
        filters: list[dict[str, Any]] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Any:
        ctx(info).principal.require("read")
        offset, limit = page_window(first, after)
        wanted = tuple(browse.ItemFilter(**f) for f in filters or [])
        page = await ctx(info).read(browse.items, scheme, class_code, wanted, offset, limit)
        return ConnectionData([(scheme, i) for i in page.rows], page.offset, page.total)

    @staticmethod
    async def resolve_releases(root: object, info: GraphQLResolveInfo, scheme: str) -> Any:
        ctx(info).principal.require("read")
        return await ctx(info).read(releases.list_releases, scheme)

    @staticmethod
    async def resolve_release_diff(
        root: object, info: GraphQLResolveInfo, scheme: str, from_number: int, to_number: int
    ) -> Any:
        ctx(info).principal.require("read")
        return await ctx(info).read(releases.diff_releases, scheme, from_number, to_number)

    @staticmethod
    async def resolve_change_requests(
        root: object,
        info: GraphQLResolveInfo,
        status: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Any:
        ctx(info).principal.require("curate")
        offset, limit = page_window(first, after)
        page = await ctx(info).read(change_requests.list_requests, status, offset, limit)
        return ConnectionData(page.rows, page.offset, page.total)


class ChangeRequestPayload(MutationPayload):
    request = graphene.Field(ChangeRequestType)


class ChangeRequestMutation(graphene.ObjectType):
    propose_change = graphene.Field(
        ChangeRequestPayload,
        required=True,
        kind=graphene.Argument(ChangeRequestKind, required=True),
        scheme=graphene.String(required=True),
        target=graphene.String(description="the class (the property for add_value) the request is about"),
        payload=graphene.JSONString(required=True, description="the class, synonym, value or corrected labels"),
        reason=graphene.String(required=True),
    )
    approve_change_request = graphene.Field(
        ChangeRequestPayload, required=True, id=graphene.ID(required=True), reason=graphene.String(required=True)
    )
    reject_change_request = graphene.Field(
        ChangeRequestPayload, required=True, id=graphene.ID(required=True), reason=graphene.String(required=True)
    )

    @staticmethod
    @mutation(ChangeRequestPayload)
    async def resolve_propose_change(
        root: object,
        info: GraphQLResolveInfo,
        kind: str,
        scheme: str,
        payload: dict[str, Any],
        reason: str,
        target: str | None = None,
    ) -> ChangeRequestPayload:
        context = ctx(info)
        context.principal.require("propose")
        check_text(payload, "payload")  # a JSONString: its escapes are decoded only now
        request = await context.write(
            change_requests.propose, kind, scheme, target, payload, Edit(context.principal.name, reason)
        )
        return ChangeRequestPayload(ok=True, user_errors=[], request=request)

    @staticmethod
    @mutation(ChangeRequestPayload)
    async def resolve_approve_change_request(
        root: object, info: GraphQLResolveInfo, id: str, reason: str
    ) -> ChangeRequestPayload:
        context = ctx(info)
        context.principal.require("curate")
        request = await context.write(change_requests.approve, id, Edit(context.principal.name, reason))
        context.app.state.matcher.refresh()
        return ChangeRequestPayload(ok=True, user_errors=[], request=request)

    @staticmethod
    @mutation(ChangeRequestPayload)
    async def resolve_reject_change_request(
        root: object, info: GraphQLResolveInfo, id: str, reason: str
    ) -> ChangeRequestPayload:
        context = ctx(info)
        context.principal.require("curate")
        request = await context.write(change_requests.reject, id, Edit(context.principal.name, reason))
        return ChangeRequestPayload(ok=True, user_errors=[], request=request)
