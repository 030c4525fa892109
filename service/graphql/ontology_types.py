"""GraphQL types of the ontology. Resolvers that need more data go through the request's loaders."""

from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLResolveInfo

from matchers.calibration import Calibration
from ontology import browse
from ontology.editing import history
from ontology.model import ConceptClass, Item, Labels, Synonym
from ontology.rows import uid
from service.graphql.calibration import SchemeCalibration, scheme_calibrations
from service.graphql.connections import ConnectionData, connection_field, page_window
from service.graphql.context import ctx
from service.graphql.enums import ConceptStatus, DataType, SkosRelation


class LabelsType(graphene.ObjectType):
    class Meta:
        name = "Labels"

    zh_hans = graphene.String(description="Simplified Chinese")
    zh_hant = graphene.String(description="Traditional Chinese")
    en = graphene.String(description="English")


def _label(labels: Labels | None, lang: str | None) -> str | None:
    if labels is None:
        return None
    chosen = {"zh-Hans": labels.zh_hans, "zh-Hant": labels.zh_hant, "en": labels.en}.get(lang or "zh-Hans")
    return chosen or labels.any() or None


LANG_ARG = graphene.String(description="zh-Hans (default), zh-Hant or en; falls back to any label")


class SynonymType(graphene.ObjectType):
    class Meta:
        name = "Synonym"

    text = graphene.String(required=True)
    lang = graphene.String(required=True)
    source = graphene.String(required=True)


class Scheme(graphene.ObjectType):
    code = graphene.String(required=True)
    version = graphene.String(required=True)
    name = graphene.String(lang=LANG_ARG)
    names = graphene.Field(LabelsType, required=True)
    source = graphene.String(required=True)
    licence = graphene.String(required=True)
    description = graphene.String()
    class_count = graphene.Int(required=True)
    item_count = graphene.Int(required=True)
    target_precision = graphene.Float(description="the share of auto decisions that must be right (default 0.95)")
    calibration = graphene.List(
        graphene.NonNull(SchemeCalibration),
        required=True,
        description="per kind (class, item): the decision thresholds and what they give on the confirmed examples",
    )

    @staticmethod
    async def resolve_calibration(info: browse.SchemeInfo, context: GraphQLResolveInfo) -> list[Calibration]:
        return await scheme_calibrations(context, info.code)

    @staticmethod
    def resolve_name(info: browse.SchemeInfo, _: GraphQLResolveInfo, lang: str | None = None) -> Any:
        return _label(Labels(**{"zh-Hans": info.name_zh, "zh-Hant": info.name_zh_hant, "en": info.name_en}), lang)

    @staticmethod
    def resolve_names(info: browse.SchemeInfo, _: GraphQLResolveInfo) -> Any:
        return Labels(**{"zh-Hans": info.name_zh, "zh-Hant": info.name_zh_hant, "en": info.name_en})

    resolve_class_count = staticmethod(lambda info, _: info.classes)
    resolve_item_count = staticmethod(lambda info, _: info.items)


class Unit(graphene.ObjectType):
    code = graphene.String(required=True)
    symbol = graphene.String(required=True)
    label = graphene.String(lang=LANG_ARG)
    quantity = graphene.String(required=True)
    base = graphene.String(required=True, description="base unit of the quantity")
    factor = graphene.Float(required=True, description="base = value * factor + offset")
    offset = graphene.Float(required=True)

    resolve_label = staticmethod(lambda unit, _, lang=None: _label(unit.labels, lang))


class ValueType(graphene.ObjectType):
    class Meta:
        name = "Value"

    code = graphene.String(required=True)
    label = graphene.String(lang=LANG_ARG)
    labels = graphene.Field(LabelsType, required=True)
    synonyms = graphene.List(graphene.NonNull(SynonymType), required=True)
    status = graphene.Field(ConceptStatus, required=True)

    resolve_label = staticmethod(lambda value, _, lang=None: _label(value.labels, lang))


class PropertyType(graphene.ObjectType):
    class Meta:
        name = "Property"

    scheme = graphene.String(required=True)
    code = graphene.String(required=True)
    label = graphene.String(lang=LANG_ARG)
    labels = graphene.Field(LabelsType, required=True)
    definition = graphene.Field(LabelsType)
    data_type = graphene.Field(DataType, required=True)
    unit = graphene.Field(Unit)
    version = graphene.Int(required=True)
    value_count = graphene.Int(required=True)
    values = connection_field(ValueType, "allowed values of an enum property, paged")

    resolve_code = staticmethod(lambda rec, _: rec.property.code)
    resolve_label = staticmethod(lambda rec, _, lang=None: _label(rec.property.labels, lang))
    resolve_labels = staticmethod(lambda rec, _: rec.property.labels)
    resolve_definition = staticmethod(lambda rec, _: rec.property.definition)
    resolve_data_type = staticmethod(lambda rec, _: rec.property.data_type.value)
    resolve_version = staticmethod(lambda rec, _: rec.property.version)

    @staticmethod
    async def resolve_values(
        rec: browse.PropertyRecord, info: GraphQLResolveInfo, first: int | None = None, after: str | None = None
    ) -> Any:
        offset, limit = page_window(first, after)
        page = await ctx(info).read(browse.property_values, uid(rec.scheme, rec.property.code), offset, limit)
        return ConnectionData(page.rows, page.offset, page.total)


class TemplateEntry(graphene.ObjectType):
    property = graphene.Field(PropertyType, required=True)
    required = graphene.Boolean(required=True)
    defined_on = graphene.String(required=True, description="code of the class that attaches the property")
    inherited = graphene.Boolean(required=True)

    resolve_property = staticmethod(lambda entry, _: entry["row"].property)
    resolve_required = staticmethod(lambda entry, _: entry["row"].required)
    resolve_defined_on = staticmethod(lambda entry, _: entry["row"].defined_on)
    resolve_inherited = staticmethod(lambda entry, _: entry["row"].defined_on != entry["owner"])


class ChangeType(graphene.ObjectType):
    class Meta:
        name = "Change"

    at = graphene.String(required=True)
    actor = graphene.String(required=True)
    reason = graphene.String(required=True)
    action = graphene.String(required=True)
    before = graphene.JSONString()
    after = graphene.JSONString()


class Mapping(graphene.ObjectType):
    relation = graphene.Field(SkosRelation, required=True)
    source = graphene.String(required=True)
    target = graphene.Field(lambda: ClassType, required=True)

    @staticmethod
    def resolve_target(row: browse.MappingRow, info: GraphQLResolveInfo) -> Any:
        return ctx(info).loaders.classes.load_now(row.target_uid)


class ItemValueType(graphene.ObjectType):
    class Meta:
        name = "ItemValue"

    property = graphene.String(required=True)
    value = graphene.String(description="enum value code or text")
    number = graphene.Float(description="in the property's unit")
    max = graphene.Float()
    flag = graphene.Boolean()


class ItemType(graphene.ObjectType):
    class Meta:
        name = "Item"

    scheme = graphene.String(required=True)
    code = graphene.String(required=True)
    label = graphene.String(lang=LANG_ARG)
    labels = graphene.Field(LabelsType, required=True)
    status = graphene.Field(ConceptStatus, required=True)
    replaced_by = graphene.String()
    version = graphene.Int(required=True)
    values = graphene.List(graphene.NonNull(ItemValueType), required=True)
    synonyms = graphene.List(graphene.NonNull(SynonymType), required=True)
    of_class = graphene.Field(lambda: ClassType, required=True, name="class")

    resolve_scheme = staticmethod(lambda pair, _: pair[0])
    resolve_code = staticmethod(lambda pair, _: pair[1].code)
    resolve_label = staticmethod(lambda pair, _, lang=None: _label(pair[1].labels, lang))
    resolve_labels = staticmethod(lambda pair, _: pair[1].labels)
    resolve_status = staticmethod(lambda pair, _: pair[1].status.value)
    resolve_replaced_by = staticmethod(lambda pair, _: pair[1].replaced_by)
    resolve_version = staticmethod(lambda pair, _: pair[1].version)
    resolve_values = staticmethod(lambda pair, _: pair[1].values)
    resolve_synonyms = staticmethod(lambda pair, _: pair[1].synonyms)

    @staticmethod
    def resolve_of_class(pair: tuple[str, Item], info: GraphQLResolveInfo) -> Any:
        return ctx(info).loaders.classes.load_now(uid(pair[0], pair[1].class_code))


class ItemFilterInput(graphene.InputObjectType):
    property = graphene.String(required=True)
    value = graphene.String(description="an enum value code, for example M8 or stainless_304")
    min = graphene.Float(description="lower bound of a number, in the property's unit")
    max = graphene.Float(description="upper bound of a number, in the property's unit")


class ClassType(graphene.ObjectType):
    class Meta:
        name = "Class"

    scheme = graphene.String(required=True)
    code = graphene.String(required=True)
    label = graphene.String(lang=LANG_ARG)
    labels = graphene.Field(LabelsType, required=True)
    definition = graphene.Field(LabelsType)
    level = graphene.Int(required=True)
    status = graphene.Field(ConceptStatus, required=True)
    version = graphene.Int(required=True, description="bumped on every change; send it back when you edit")
    replaced_by = graphene.Field(lambda: ClassType, description="successor of a deprecated class")
    parent = graphene.Field(lambda: ClassType)
    ancestors = graphene.List(graphene.NonNull(lambda: ClassType), required=True, description="nearest first")
    children = connection_field(lambda: ClassType, "direct subclasses", name="Class")
    synonyms = graphene.List(graphene.NonNull(SynonymType), required=True)
    template = graphene.List(
        graphene.NonNull(TemplateEntry), required=True, description="own and inherited properties, ancestors' first"
    )
    mappings = graphene.List(graphene.NonNull(Mapping), required=True)
    items = connection_field(
        ItemType,
        "standard items of this class and its subclasses",
        filters=graphene.List(graphene.NonNull(ItemFilterInput)),
    )
    history = connection_field(ChangeType, "every change, oldest first: who, when, why, before and after")

    resolve_scheme = staticmethod(lambda rec, _: rec.scheme)
    resolve_code = staticmethod(lambda rec, _: rec.concept.code)
    resolve_label = staticmethod(lambda rec, _, lang=None: _label(rec.concept.labels, lang))
    resolve_labels = staticmethod(lambda rec, _: rec.concept.labels)
    resolve_definition = staticmethod(lambda rec, _: rec.concept.definition)
    resolve_level = staticmethod(lambda rec, _: rec.concept.level)
    resolve_status = staticmethod(lambda rec, _: rec.concept.status.value)
    resolve_version = staticmethod(lambda rec, _: rec.concept.version)
    resolve_synonyms = staticmethod(lambda rec, _: rec.concept.synonyms)

    # Resolvers that only load return the loader's answer as it is: a value when it is cached, which
    # graphql-core completes at once, else an awaitable.
    @staticmethod
    def resolve_replaced_by(rec: browse.ClassRecord, info: GraphQLResolveInfo) -> Any:
        code = rec.concept.replaced_by
        return ctx(info).loaders.classes.load_now(uid(rec.scheme, code)) if code else None

    @staticmethod
    def resolve_parent(rec: browse.ClassRecord, info: GraphQLResolveInfo) -> Any:
        code = rec.concept.parent
        return ctx(info).loaders.classes.load_now(uid(rec.scheme, code)) if code else None

    @staticmethod
    async def resolve_ancestors(rec: browse.ClassRecord, info: GraphQLResolveInfo) -> Any:
        uids = await ctx(info).loaders.ancestors.load(uid(rec.scheme, rec.concept.code))
        return await ctx(info).loaders.classes.load_many(uids)

    @staticmethod
    async def resolve_children(
        rec: browse.ClassRecord, info: GraphQLResolveInfo, first: int | None = None, after: str | None = None
    ) -> Any:
        offset, limit = page_window(first, after)
        uids = await ctx(info).loaders.children.load(uid(rec.scheme, rec.concept.code))
        page = await ctx(info).loaders.classes.load_many(uids[offset : offset + limit])
        return ConnectionData(page, offset, len(uids))

    @staticmethod
    async def resolve_template(rec: browse.ClassRecord, info: GraphQLResolveInfo) -> Any:
        rows = await ctx(info).loaders.templates.load(uid(rec.scheme, rec.concept.code))
        return [{"row": row, "owner": rec.concept.code} for row in rows]

    @staticmethod
    def resolve_mappings(rec: browse.ClassRecord, info: GraphQLResolveInfo) -> Any:
        return ctx(info).loaders.mappings.load_now(uid(rec.scheme, rec.concept.code))

    @staticmethod
    async def resolve_items(
        rec: browse.ClassRecord,
        info: GraphQLResolveInfo,
        first: int | None = None,
        after: str | None = None,
        filters: list[dict[str, Any]] | None = None,
    ) -> Any:
        offset, limit = page_window(first, after)
        wanted = tuple(browse.ItemFilter(**f) for f in filters or [])
        page = await ctx(info).read(browse.items, rec.scheme, rec.concept.code, wanted, offset, limit)
        return ConnectionData([(rec.scheme, i) for i in page.rows], page.offset, page.total)

    @staticmethod
    async def resolve_history(
        rec: browse.ClassRecord, info: GraphQLResolveInfo, first: int | None = None, after: str | None = None
    ) -> Any:
        offset, limit = page_window(first, after)
        changes = await ctx(info).read(history, rec.scheme, rec.concept.code)
        return ConnectionData(changes[offset : offset + limit], offset, len(changes))


def class_record(scheme: str, concept: ConceptClass) -> browse.ClassRecord:
    return browse.ClassRecord(scheme=scheme, concept=concept)


def synonyms_input(synonyms: list[Any] | None) -> list[Synonym] | None:
    if synonyms is None:
        return None
    return [Synonym(text=s.text, lang=s.lang or "zh-Hans", source=s.source or "cpms") for s in synonyms]
