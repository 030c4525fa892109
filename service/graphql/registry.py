"""GraphQL for the product registry: firms and their products (`firm`, `firms`, `product`,
`products`, `productNotices`) and the mutations that keep them (`createFirm`, `registerProducts`,
`registerJobProducts`, `publishProducts`, `withdrawProducts`). Who may write which firm's products
is decided once, in service/registry/access.py; the rules themselves are ontology/registry/'s."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import graphene
from graphql import GraphQLResolveInfo
from pydantic import ValidationError

from common.errors import CpmsError, Forbidden, LimitExceeded, NotFound
from ontology.editing import Edit
from ontology.registry import firms, following, products, search
from ontology.registry import products as products_
from ontology.registry.checking import problem
from ontology.registry.identifiers import IdentifierError, validate_product_id
from ontology.registry.model import FirmInput, Problem, Product, ProductInput
from ontology.registry.model import ProblemKind as PyProblemKind
from ontology.registry.model import ProductStatus as PyProductStatus
from ontology.registry.products import ProductRow, PublishRefused, RegistrationRefused, RowRefusal
from ontology.rows import uid
from service.graphql.connections import ConnectionData, connection_field, page_window
from service.graphql.context import ctx
from service.graphql.ontology_types import ChangeType, ClassType
from service.graphql.payloads import MutationPayload, UserError, mutation
from service.registry import access
from service.registry.background import JobRegistrationRecord, RegistrationFailed
from service.registry.background import RegistrationState as PyRegistrationState
from service.registry.duplicates import find_duplicates
from service.registry.registration import RegistrationOptions

MAX_PRODUCTS = 1000  # products one registerProducts, publishProducts or withdrawProducts call names

ProductStatus = graphene.Enum.from_enum(PyProductStatus, description="of a registered product")
ProblemKind = graphene.Enum.from_enum(PyProblemKind, description="what is wrong with a product or a row")
RegistrationState = graphene.Enum.from_enum(PyRegistrationState, description="of a registration")
WAIT_SECONDS = 10.0
"""How long registerJobProducts waits for its registration before it answers `running`."""


class ProblemType(graphene.ObjectType):
    class Meta:
        name = "ProductProblem"

    kind = graphene.Field(ProblemKind, required=True)
    message = graphene.String(required=True, description="Chinese, then English")
    property = graphene.String(description="the template property at fault, when one is")
    expected = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="what would do: allowed values, the successor"
    )


class FirmStatusCount(graphene.ObjectType):
    status = graphene.Field(ProductStatus, required=True)
    count = graphene.Int(required=True)


class FirmType(graphene.ObjectType):
    class Meta:
        name = "Firm"

    code = graphene.String(required=True, description="unified social credit code (GB 32100-2015)")
    name_zh = graphene.String(required=True)
    name_en = graphene.String()
    region = graphene.String(required=True, description="such as 金华市永康市")
    version = graphene.Int(required=True)
    created_at = graphene.String(required=True)
    product_counts = graphene.List(graphene.NonNull(FirmStatusCount), required=True)
    completeness = graphene.Float(description="mean completeness of its draft and published products, 0 to 1")

    @staticmethod
    async def resolve_product_counts(firm: firms.Firm, info: GraphQLResolveInfo) -> Any:
        summary = await ctx(info).read(firms.firm_summary, firm.code)
        return [FirmStatusCount(status=s, count=n) for s, n in sorted(summary.products.items())]

    @staticmethod
    async def resolve_completeness(firm: firms.Firm, info: GraphQLResolveInfo) -> Any:
        return (await ctx(info).read(firms.firm_summary, firm.code)).completeness


class ProductValueType(graphene.ObjectType):
    class Meta:
        name = "ProductValue"

    property = graphene.String(required=True)
    value = graphene.String(description="an enum value's code")
    number = graphene.Float(description="in the template's unit")
    max = graphene.Float(description="the upper bound of a range")
    unit = graphene.String()
    flag = graphene.Boolean()
    text = graphene.String()


class ProductType(graphene.ObjectType):
    class Meta:
        name = "Product"

    id = graphene.ID(required=True, description="the CPMS product ID, P0000000000-C: never reused")
    firm = graphene.Field(FirmType, required=True)
    sku = graphene.String(required=True, description="the firm's own article number")
    name_zh = graphene.String(required=True)
    name_en = graphene.String()
    class_code = graphene.String(required=True)
    of_class = graphene.Field(ClassType, name="class")
    item_code = graphene.String()
    gtin = graphene.String()
    brand = graphene.String()
    status = graphene.Field(ProductStatus, required=True)
    version = graphene.Int(required=True)
    values = graphene.List(graphene.NonNull(ProductValueType), required=True)
    completeness = graphene.Float(required=True, description="share of the template's properties stated, 0 to 1")
    problems = graphene.List(
        graphene.NonNull(ProblemType), required=True, description="what keeps a draft from being published"
    )
    created_at = graphene.String(required=True)
    updated_at = graphene.String(required=True)
    history = graphene.List(
        graphene.NonNull(ChangeType), required=True, description="every version: who, when, why, before and after"
    )

    @staticmethod
    async def resolve_firm(product: Product, info: GraphQLResolveInfo) -> Any:
        return await ctx(info).read(firms.get_firm, product.firm)

    @staticmethod
    def resolve_of_class(product: Product, info: GraphQLResolveInfo) -> Any:
        return ctx(info).loaders.classes.load_now(uid("CPMS", product.class_code))

    @staticmethod
    async def resolve_history(product: Product, info: GraphQLResolveInfo) -> Any:
        return await ctx(info).read(products.product_history, product.id)


class NoticeType(graphene.ObjectType):
    class Meta:
        name = "ProductNotice"

    product = graphene.Field(ProductType, required=True)
    problems = graphene.List(graphene.NonNull(ProblemType), required=True, description="what to change")


class RowRefusalType(graphene.ObjectType):
    class Meta:
        name = "RefusedRow"

    row = graphene.Int(required=True)
    sku = graphene.String()
    problems = graphene.List(graphene.NonNull(ProblemType), required=True)


class RegistrationOutcome(graphene.Interface):
    """What a registration of products did: all of it, or nothing and every row at fault."""

    created = graphene.List(graphene.NonNull(graphene.ID), required=True, description="new products' IDs")
    updated = graphene.List(graphene.NonNull(graphene.ID), required=True, description="registered again: new versions")
    unchanged = graphene.List(graphene.NonNull(graphene.ID), required=True)
    skipped_rows = graphene.List(graphene.NonNull(graphene.Int), required=True, description="undecided rows left out")
    refused_rows = graphene.List(
        graphene.NonNull(RowRefusalType), required=True, description="when refused: every row at fault, and why"
    )


class JobRegistrationType(graphene.ObjectType):
    """A bulk job's rows registered as a firm's drafts: all of them, or none."""

    class Meta:
        name = "JobRegistration"
        interfaces = (RegistrationOutcome,)

    job_id = graphene.ID(required=True)
    state = graphene.Field(RegistrationState, required=True)
    firm = graphene.String(required=True)
    by = graphene.String(required=True, description="who started it")
    started_at = graphene.String(required=True, description="ISO 8601")
    finished_at = graphene.String()
    error = graphene.String(description="why it failed or was refused")
    error_code = graphene.String()

    resolve_started_at = staticmethod(lambda record, _: record.started_at.isoformat())
    resolve_finished_at = staticmethod(lambda record, _: record.finished_at and record.finished_at.isoformat())
    resolve_skipped_rows = staticmethod(lambda record, _: record.skipped)
    resolve_refused_rows = staticmethod(lambda record, _: record.refused)


class RefusedProduct(graphene.ObjectType):
    id = graphene.ID(required=True)
    problems = graphene.List(graphene.NonNull(ProblemType), required=True)


def _product_id(text: str) -> str:
    try:
        return validate_product_id(text)
    except IdentifierError as exc:
        raise NotFound(str(exc), field="id") from None


def _visible(product: Product | None, info: GraphQLResolveInfo) -> Product | None:
    if product is None:
        return None
    if product.status is PyProductStatus.published or access.may_write(ctx(info).principal, product.firm):
        return product
    return None


class RegistryQuery(graphene.ObjectType):
    job_registration = graphene.Field(
        JobRegistrationType,
        job_id=graphene.ID(required=True),
        description="the last registration of a bulk job's rows (registerJobProducts): running, or how it ended",
    )
    firm = graphene.Field(FirmType, code=graphene.String(required=True), description="a registered firm")
    firms = connection_field(FirmType, "registered firms, by code", region=graphene.String(description="a prefix"))
    product = graphene.Field(
        ProductType,
        id=graphene.ID(required=True),
        description="a product by its CPMS ID: published, or of a firm your key writes",
    )
    products = connection_field(
        ProductType,
        "published products (a firm's drafts too, for its own key) by CPMS class and its narrower classes, "
        "attribute values, GTIN, firm and region",
        class_code=graphene.String(name="class", description="a CPMS class code; narrower classes count"),
        values=graphene.List(
            graphene.NonNull(graphene.String), description="each as M8, 304, 镀锌 or property=value; all must hold"
        ),
        gtin=graphene.String(),
        firm=graphene.String(description="a firm's unified social credit code"),
        region=graphene.String(description="a prefix: 金华市 finds 金华市永康市"),
        status=graphene.List(
            graphene.NonNull(ProductStatus), description="default published; others only with firm, for its key"
        ),
    )
    product_notices = connection_field(
        NoticeType,
        "products the standard has moved away from (a deprecated class, a changed template), with what to change: "
        "a firm's (for its key), or a class's across firms (for editors)",
        firm=graphene.String(),
        class_code=graphene.String(name="class"),
    )

    @staticmethod
    async def resolve_firm(root: object, info: GraphQLResolveInfo, code: str) -> Any:
        ctx(info).principal.require("read")
        return await ctx(info).read(firms.get_firm, access.firm_code(code))

    @staticmethod
    async def resolve_job_registration(root: object, info: GraphQLResolveInfo, job_id: str) -> Any:
        principal = ctx(info).principal
        principal.require("jobs")
        return await ctx(info).call(ctx(info).app.state.registrations.get, job_id, principal)

    @staticmethod
    async def resolve_firms(
        root: object, info: GraphQLResolveInfo, region: str | None = None, first: int | None = None,
        after: str | None = None,
    ) -> Any:  # fmt: skip
        ctx(info).principal.require("read")
        offset, limit = page_window(first, after)
        found, total = await ctx(info).read(firms.firms_page, region, offset, limit)
        return ConnectionData(found, offset, total)

    @staticmethod
    async def resolve_product(root: object, info: GraphQLResolveInfo, id: str) -> Any:
        ctx(info).principal.require("read")
        [product] = await ctx(info).read(products.products_by_id, [_product_id(id)])
        return _visible(product, info)

    @staticmethod
    async def resolve_products(
        root: object, info: GraphQLResolveInfo, class_code: str | None = None, values: list[str] | None = None,
        gtin: str | None = None, firm: str | None = None, region: str | None = None,
        status: list[str] | None = None, first: int | None = None, after: str | None = None,
    ) -> Any:  # fmt: skip
        principal = ctx(info).principal
        code = access.firm_code(firm) if firm else None
        allowed = access.visible_statuses(principal, code)
        wanted = tuple(PyProductStatus(s) for s in status) if status else (PyProductStatus.published,)
        if any(s not in allowed for s in wanted):
            raise Forbidden("只能看到已发布的产品 / only published products are visible to you", field="status")
        offset, limit = page_window(first, after)
        query = search.ProductQuery(
            class_code=class_code, values=tuple(values or ()), gtin=gtin, firm=code, region=region, statuses=wanted
        )
        page = await ctx(info).read(search.find_products, query, offset, limit)
        return ConnectionData(page.products, offset, page.total)

    @staticmethod
    async def resolve_product_notices(
        root: object, info: GraphQLResolveInfo, firm: str | None = None, class_code: str | None = None,
        first: int | None = None, after: str | None = None,
    ) -> Any:  # fmt: skip
        principal = ctx(info).principal
        code = access.writable_firm(principal, firm) if firm or class_code is None else None
        if code is None:
            principal.require("curate")
        offset, limit = page_window(first, after)
        page = await ctx(info).read(following.notices, code, class_code, offset, limit)
        return ConnectionData([NoticeType(product=n.product, problems=n.problems) for n in page.notices],
                              offset, page.total)  # fmt: skip


class FirmInputType(graphene.InputObjectType):
    class Meta:
        name = "FirmInput"

    code = graphene.String(required=True, description="unified social credit code, check character included")
    name_zh = graphene.String(required=True)
    name_en = graphene.String()
    region = graphene.String(required=True, description="such as 金华市永康市")


class ProductValueInput(graphene.InputObjectType):
    property = graphene.String(required=True)
    value = graphene.String(description="an enum value's code, label or synonym")
    number = graphene.Float()
    max = graphene.Float()
    unit = graphene.String(description="of number and max; default the template's")
    flag = graphene.Boolean()
    text = graphene.String(description="read by the property's data type: 30 mm, M8, 是")


class ProductInputType(graphene.InputObjectType):
    class Meta:
        name = "ProductInput"

    sku = graphene.String(required=True)
    name_zh = graphene.String(required=True)
    name_en = graphene.String()
    class_code = graphene.String(required=True)
    item_code = graphene.String()
    gtin = graphene.String(description="GTIN-8, -12, -13 or -14, check digit included")
    brand = graphene.String()
    values = graphene.List(graphene.NonNull(ProductValueInput))


class FirmPayload(MutationPayload):
    firm = graphene.Field(FirmType)


class RegistrationPayload(MutationPayload):
    class Meta:
        interfaces = (RegistrationOutcome,)

    state = graphene.Field(
        RegistrationState,
        description="running: registerJobProducts goes on in the background; ask jobRegistration for the outcome",
    )

    # a payload made by `mutation` for an error holds only ok and userErrors
    resolve_created = staticmethod(lambda payload, _: payload.created or [])
    resolve_updated = staticmethod(lambda payload, _: payload.updated or [])
    resolve_unchanged = staticmethod(lambda payload, _: payload.unchanged or [])
    resolve_skipped_rows = staticmethod(lambda payload, _: payload.skipped_rows or [])
    resolve_refused_rows = staticmethod(lambda payload, _: payload.refused_rows or [])


class ProductsPayload(MutationPayload):
    products = graphene.List(graphene.NonNull(ProductType), required=True)
    refused = graphene.List(
        graphene.NonNull(RefusedProduct), required=True, description="when refused: every product at fault, and why"
    )

    resolve_products = staticmethod(lambda payload, _: payload.products or [])
    resolve_refused = staticmethod(lambda payload, _: payload.refused or [])


def _edit(info: GraphQLResolveInfo, reason: str) -> Edit:
    return Edit(ctx(info).principal.name, reason)


def _refused(info: GraphQLResolveInfo, exc: CpmsError) -> list[UserError]:
    """A refusal reported as every mutation's errors are (payloads.mutation), with its details kept."""
    ctx(info).user_errors.append({"error": exc, "path": [info.field_name]})
    return [UserError(field=exc.details.get("field"), message=exc.message, code=exc.code)]


def _registration_payload(info: GraphQLResolveInfo, run: Any, skipped: list[int] | None = None) -> Any:
    return RegistrationPayload(ok=True, user_errors=[], state=PyRegistrationState.done, created=run.created,
                               updated=run.updated, unchanged=run.unchanged, skipped_rows=skipped or [],
                               refused_rows=[])  # fmt: skip


def _refused_rows(info: GraphQLResolveInfo, exc: RegistrationRefused) -> RegistrationPayload:
    rows = [RowRefusalType(row=r.row, sku=r.sku, problems=r.problems) for r in exc.refusals]
    return RegistrationPayload(ok=False, user_errors=_refused(info, exc), state=PyRegistrationState.refused,
                               created=[], updated=[], unchanged=[], skipped_rows=[], refused_rows=rows)  # fmt: skip


def _job_registration_payload(info: GraphQLResolveInfo, record: JobRegistrationRecord | None) -> Any:
    """A registration's payload: as it ended, or `running` (`record` None) while it goes on."""
    if record is None:
        return RegistrationPayload(ok=True, user_errors=[], state=PyRegistrationState.running, created=[],
                                   updated=[], unchanged=[], skipped_rows=[], refused_rows=[])  # fmt: skip
    if record.state is PyRegistrationState.refused:
        return _refused_rows(info, RegistrationRefused(record.refused))
    if record.state is PyRegistrationState.failed:
        raise RegistrationFailed(record.error or "", record.error_code or "INTERNAL")
    return _registration_payload(info, record, record.skipped)


def _check_count(ids: list[Any], field: str) -> None:
    if len(ids) > MAX_PRODUCTS:
        raise LimitExceeded(f"一次最多 {MAX_PRODUCTS} 个产品 / at most {MAX_PRODUCTS} products a call", field=field)


class RegistryMutation(graphene.ObjectType):
    create_firm = graphene.Field(
        FirmPayload, required=True, firm=FirmInputType(required=True), reason=graphene.String(required=True),
        description="register a firm (editors and admins)",
    )  # fmt: skip
    register_products = graphene.Field(
        RegistrationPayload, required=True,
        products=graphene.List(graphene.NonNull(ProductInputType), required=True),
        firm=graphene.String(description="default: the firm your key is bound to"),
        reason=graphene.String(required=True),
        description=f"register up to {MAX_PRODUCTS} products as drafts, all or nothing; a SKU the firm has is a "
        "new version",
    )  # fmt: skip
    register_job_products = graphene.Field(
        RegistrationPayload, required=True, job_id=graphene.ID(required=True),
        firm=graphene.String(description="default: the firm your key is bound to"),
        sku_column=graphene.String(description="the input's SKU column (default: 货号, SKU, 物料编码 ...)"),
        gtin_column=graphene.String(description="the input's GTIN column (default: 条码, GTIN, EAN ...)"),
        skip_undecided=graphene.Boolean(description="leave out rows without a decided code instead of refusing"),
        reason=graphene.String(required=True),
        description="register a finished bulk job's reviewed rows as a firm's drafts, all or nothing; the outcome, "
        f"or running after {WAIT_SECONDS:g} s (it goes on in the background: ask jobRegistration)",
    )  # fmt: skip
    publish_products = graphene.Field(
        ProductsPayload, required=True, ids=graphene.List(graphene.NonNull(graphene.ID), required=True),
        firm=graphene.String(), reason=graphene.String(required=True),
        allow_duplicates=graphene.Boolean(description="publish although the firm has a product like it"),
        description="publish drafts, all or none: each must pass its template and not duplicate another product",
    )  # fmt: skip
    withdraw_products = graphene.Field(
        ProductsPayload, required=True, ids=graphene.List(graphene.NonNull(graphene.ID), required=True),
        firm=graphene.String(), reason=graphene.String(required=True),
        description="withdraw products: they keep their IDs and history, and leave the searches",
    )  # fmt: skip

    @staticmethod
    @mutation(FirmPayload)
    async def resolve_create_firm(root: object, info: GraphQLResolveInfo, firm: dict, reason: str) -> Any:
        ctx(info).principal.require("curate")
        given = {k: v for k, v in firm.items() if v is not None}
        created = await ctx(info).write(firms.create_firm, FirmInput(**given), _edit(info, reason))
        return FirmPayload(ok=True, user_errors=[], firm=created)

    @staticmethod
    @mutation(RegistrationPayload)
    async def resolve_register_products(
        root: object, info: GraphQLResolveInfo, products: list[dict], reason: str, firm: str | None = None
    ) -> Any:
        code = access.writable_firm(ctx(info).principal, firm)
        _check_count(products, "products")
        rows, refused = _rows(products)
        try:
            done = await ctx(info).write(products_.register_products, code, rows, _edit(info, reason), refused)
        except RegistrationRefused as exc:
            return _refused_rows(info, exc)
        return _registration_payload(info, done)

    @staticmethod
    @mutation(RegistrationPayload)
    async def resolve_register_job_products(
        root: object, info: GraphQLResolveInfo, job_id: str, reason: str, firm: str | None = None,
        sku_column: str | None = None, gtin_column: str | None = None, skip_undecided: bool | None = None,
    ) -> Any:  # fmt: skip
        principal = ctx(info).principal
        code = access.writable_firm(principal, firm)
        principal.require("jobs")
        options = RegistrationOptions(sku_column=sku_column, gtin_column=gtin_column,
                                      skip_undecided=bool(skip_undecided))  # fmt: skip
        registrations = ctx(info).app.state.registrations
        started = await ctx(info).call(registrations.start, job_id, principal, code, options, _edit(info, reason))
        deadline = ctx(info).deadline
        wait = WAIT_SECONDS if deadline is None else min(WAIT_SECONDS, deadline - time.monotonic() - 1)
        try:  # the registration goes on when the wait ends: it is not the request's to stop
            record = await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(started)), max(wait, 0))
        except TimeoutError:
            record = None
        return _job_registration_payload(info, record)

    @staticmethod
    @mutation(ProductsPayload)
    async def resolve_publish_products(
        root: object, info: GraphQLResolveInfo, ids: list[str], reason: str, firm: str | None = None,
        allow_duplicates: bool | None = None,
    ) -> Any:  # fmt: skip
        code = access.writable_firm(ctx(info).principal, firm)
        _check_count(ids, "ids")
        wanted = [_product_id(i) for i in ids]
        duplicates = {}
        if not allow_duplicates:
            live = await ctx(info).call(products.firm_products, ctx(info).store, code, _LIVE)
            duplicates = await ctx(info).compute(_duplicates, live, wanted)
        try:
            done = await ctx(info).write(products.publish_products, code, wanted, _edit(info, reason), duplicates)
        except PublishRefused as exc:
            refused = [RefusedProduct(id=i, problems=p) for i, p in exc.refused.items()]
            return ProductsPayload(ok=False, user_errors=_refused(info, exc), products=[], refused=refused)
        return ProductsPayload(ok=True, user_errors=[], products=done, refused=[])

    @staticmethod
    @mutation(ProductsPayload)
    async def resolve_withdraw_products(
        root: object, info: GraphQLResolveInfo, ids: list[str], reason: str, firm: str | None = None
    ) -> Any:
        code = access.writable_firm(ctx(info).principal, firm)
        _check_count(ids, "ids")
        wanted = [_product_id(i) for i in ids]
        done = await ctx(info).write(products.withdraw_products, code, wanted, _edit(info, reason))
        return ProductsPayload(ok=True, user_errors=[], products=done, refused=[])


def _rows(given: list[dict]) -> tuple[list[ProductRow], list[RowRefusal]]:
    """Each product as a row numbered from 1; one its model refuses (a GTIN's check digit) is a
    refused row, named with the others."""
    rows, refused = [], []
    for number, product in enumerate(given, 1):
        try:
            fields = {k: v for k, v in product.items() if v is not None}  # an input field left out is None
            rows.append(ProductRow(row=number, product=ProductInput(**fields)))
        except ValidationError as exc:
            problems = [problem(PyProblemKind.bad_value, "值不对", f"{'.'.join(map(str, e['loc']))}: {e['msg']}",
                                str(e["loc"][0]) if e["loc"] else None) for e in exc.errors()]  # fmt: skip
            refused.append(RowRefusal(row=number, sku=str(product.get("sku") or "") or None, problems=problems))
    return rows, refused


_LIVE = [PyProductStatus.draft.value, PyProductStatus.published.value]


def _duplicates(live: list[Product], ids: list[str]) -> dict[str, list[Problem]]:
    """The record-to-record matcher over the firm's live products of the same classes (a duplicate
    shares its class; CPU-bound: in the CPU pool)."""
    wanted = set(ids)
    candidates = [p for p in live if p.id in wanted]
    classes = {p.class_code for p in candidates}
    return find_duplicates(candidates, [p for p in live if p.class_code in classes])
