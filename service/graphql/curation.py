"""GraphQL mutations for standards editors: classes, templates, values, units, mappings, items,
releases. Each takes the version the editor saw and a reason; each success refreshes the matcher."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from enum import Enum
from typing import Any, Concatenate, ParamSpec, TypeVar

import graphene
from graphql import GraphQLResolveInfo

from common.errors import InvalidInput, Unavailable
from ontology import browse, curation, editing, releases
from ontology.editing import Edit
from ontology.model import (
    ConceptClass,
    DataType,
    Item,
    ItemValue,
    Labels,
    Mapping,
    Property,
    SkosRelation,
    Status,
    Unit,
    Value,
)
from ontology.rows import uid
from ontology.scheme_settings import set_target_precision
from ontology.store import Store
from service.graphql import enums
from service.graphql.context import ctx
from service.graphql.ontology_types import ClassType, ItemType, PropertyType, Scheme, synonyms_input
from service.graphql.payloads import MutationPayload, mutation

T = TypeVar("T")
E = TypeVar("E", bound=Enum)


def choice(kind: type[E], value: str, field: str) -> E:
    """`value` as one of `kind`'s values, or INVALID_INPUT naming them."""
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(str(member.value) for member in kind)
        raise InvalidInput(f"{field} must be one of {allowed}; got {value!r}", field=field) from None


P = ParamSpec("P")


class LabelsInput(graphene.InputObjectType):
    zh_hans = graphene.String()
    zh_hant = graphene.String()
    en = graphene.String()


class SynonymInput(graphene.InputObjectType):
    text = graphene.String(required=True)
    lang = graphene.String(description="zh-Hans (default), zh-Hant or en")
    source = graphene.String()


class ValueInput(graphene.InputObjectType):
    code = graphene.String(required=True)
    labels = graphene.Field(LabelsInput, required=True)
    synonyms = graphene.List(graphene.NonNull(SynonymInput))


class ItemValueInput(graphene.InputObjectType):
    property = graphene.String(required=True)
    value = graphene.String()
    number = graphene.Float()
    max = graphene.Float()
    flag = graphene.Boolean()


def labels_of(value: dict[str, str | None]) -> Labels:
    return Labels(**{"zh-Hans": value.get("zh_hans"), "zh-Hant": value.get("zh_hant"), "en": value.get("en")})


def optional_labels_of(value: dict[str, str | None] | None) -> Labels | None:
    return None if value is None else labels_of(value)


def value_of(v: dict[str, Any]) -> Value:
    return Value(code=v["code"], labels=labels_of(v["labels"]), synonyms=synonyms_input(v.get("synonyms")) or [])


class ClassPayload(MutationPayload):
    changed = graphene.Field(ClassType, name="class")


class PropertyPayload(MutationPayload):
    property = graphene.Field(PropertyType)


class ItemPayload(MutationPayload):
    item = graphene.Field(ItemType)


class UnitPayload(MutationPayload):
    code = graphene.String()


class SchemePayload(MutationPayload):
    scheme = graphene.Field(Scheme)


class ReleasePayload(MutationPayload):
    number = graphene.Int()
    concepts = graphene.Int()


async def _edited(
    info: GraphQLResolveInfo, fn: Callable[Concatenate[Store, P], T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """Run an editing function as the caller (who must be an editor), then refresh the matcher."""
    context = ctx(info)
    context.principal.require("curate")
    result = await context.write(fn, *args, **kwargs)
    context.app.state.matcher.refresh()
    return result


async def _class_payload(info: GraphQLResolveInfo, scheme: str, code: str) -> ClassPayload:
    record = await ctx(info).loaders.classes.load(uid(scheme, code))
    return ClassPayload(ok=True, user_errors=[], changed=record)


def _actor(info: GraphQLResolveInfo) -> str:
    return ctx(info).principal.name


def _edit(info: GraphQLResolveInfo, reason: str) -> Edit:
    return Edit(_actor(info), reason)


REASON = graphene.String(required=True, description="why: kept in the change history")


class CurationMutation(graphene.ObjectType):
    create_class = graphene.Field(
        ClassPayload,
        required=True,
        scheme=graphene.String(required=True),
        code=graphene.String(required=True, description="CPMS codes carry a check character: NNNNNNNN-C"),
        parent=graphene.String(),
        labels=graphene.Argument(LabelsInput, required=True),
        definition=graphene.Argument(LabelsInput),
        synonyms=graphene.List(graphene.NonNull(SynonymInput)),
        status=graphene.Argument(enums.ConceptStatus, description="draft (default) or active"),
        reason=REASON,
    )
    update_class = graphene.Field(
        ClassPayload,
        required=True,
        scheme=graphene.String(required=True),
        code=graphene.String(required=True),
        expected_version=graphene.Int(required=True),
        labels=graphene.Argument(LabelsInput),
        definition=graphene.Argument(LabelsInput),
        synonyms=graphene.List(graphene.NonNull(SynonymInput), description="replaces the synonym list"),
        reason=REASON,
    )
    move_class = graphene.Field(
        ClassPayload,
        required=True,
        scheme=graphene.String(required=True),
        code=graphene.String(required=True),
        expected_version=graphene.Int(required=True),
        new_parent=graphene.String(description="null makes it a top-level class"),
        reason=REASON,
    )
    deprecate_class = graphene.Field(
        ClassPayload,
        required=True,
        scheme=graphene.String(required=True),
        code=graphene.String(required=True),
        expected_version=graphene.Int(required=True),
        replaced_by=graphene.String(),
        reason=REASON,
    )
    attach_property = graphene.Field(
        ClassPayload,
        required=True,
        scheme=graphene.String(required=True),
        class_code=graphene.String(required=True),
        expected_version=graphene.Int(required=True, description="the class's version"),
        property=graphene.String(required=True),
        required_property=graphene.Boolean(name="required", default_value=False),
        reason=REASON,
    )
    set_mapping = graphene.Field(
        ClassPayload,
        required=True,
        scheme=graphene.String(required=True),
        from_code=graphene.String(required=True),
        expected_version=graphene.Int(required=True, description="the class's version"),
        to_scheme=graphene.String(required=True),
        to_code=graphene.String(required=True),
        relation=graphene.Argument(enums.SkosRelation, required=True),
        remove=graphene.Boolean(default_value=False),
        reason=REASON,
    )
    define_unit = graphene.Field(
        UnitPayload,
        required=True,
        scheme=graphene.String(required=True),
        code=graphene.String(required=True),
        symbol=graphene.String(required=True),
        labels=graphene.Argument(LabelsInput, required=True),
        quantity=graphene.String(required=True),
        base=graphene.String(required=True),
        factor=graphene.Float(required=True),
        offset=graphene.Float(default_value=0.0),
        reason=REASON,
    )
    define_property = graphene.Field(
        PropertyPayload,
        required=True,
        scheme=graphene.String(required=True),
        code=graphene.String(required=True),
        labels=graphene.Argument(LabelsInput, required=True),
        definition=graphene.Argument(LabelsInput),
        data_type=graphene.Argument(enums.DataType, required=True),
        unit=graphene.String(),
        values=graphene.List(graphene.NonNull(ValueInput)),
        reason=REASON,
    )
    add_values = graphene.Field(
        PropertyPayload,
        required=True,
        scheme=graphene.String(required=True),
        property=graphene.String(required=True),
        expected_version=graphene.Int(required=True, description="the property's version"),
        values=graphene.List(graphene.NonNull(ValueInput), required=True),
        reason=REASON,
    )
    create_item = graphene.Field(
        ItemPayload,
        required=True,
        scheme=graphene.String(required=True),
        code=graphene.String(required=True),
        class_code=graphene.String(required=True),
        labels=graphene.Argument(LabelsInput, required=True),
        values=graphene.List(graphene.NonNull(ItemValueInput)),
        reason=REASON,
    )
    update_item = graphene.Field(
        ItemPayload,
        required=True,
        scheme=graphene.String(required=True),
        code=graphene.String(required=True),
        expected_version=graphene.Int(required=True),
        labels=graphene.Argument(LabelsInput, required=True),
        reason=REASON,
    )
    set_target_precision = graphene.Field(
        SchemePayload,
        required=True,
        scheme=graphene.String(required=True),
        precision=graphene.Float(required=True, description="0.5 to 0.999; 0.95 unless set"),
        reason=REASON,
        description="the share of the scheme's auto decisions that must be right; its thresholds follow",
    )
    publish_release = graphene.Field(
        ReleasePayload, required=True, scheme=graphene.String(required=True), note=graphene.String(required=True)
    )

    @staticmethod
    @mutation(ClassPayload)
    async def resolve_create_class(
        root: object,
        info: GraphQLResolveInfo,
        scheme: str,
        code: str,
        labels: dict[str, str | None],
        reason: str,
        parent: str | None = None,
        definition: dict[str, str | None] | None = None,
        synonyms: list[Any] | None = None,
        status: str | None = None,
    ) -> ClassPayload:
        parent_level = 0
        if parent:
            parent_record = await ctx(info).loaders.classes.load(uid(scheme, parent))
            parent_level = parent_record.concept.level if parent_record else 0
        cls = ConceptClass(
            code=code,
            parent=parent,
            level=parent_level + 1,
            labels=labels_of(labels),
            definition=optional_labels_of(definition),
            synonyms=synonyms_input(synonyms) or [],
            status=Status(status or "draft"),
        )
        created = await _edited(info, editing.create_class, scheme, cls, _edit(info, reason))
        return await _class_payload(info, scheme, created.code)

    @staticmethod
    @mutation(ClassPayload)
    async def resolve_update_class(
        root: object,
        info: GraphQLResolveInfo,
        scheme: str,
        code: str,
        expected_version: int,
        reason: str,
        labels: dict[str, str | None] | None = None,
        definition: dict[str, str | None] | None = None,
        synonyms: list[Any] | None = None,
    ) -> ClassPayload:
        changes = editing.ClassChanges(
            labels=optional_labels_of(labels),
            definition=optional_labels_of(definition),
            synonyms=synonyms_input(synonyms),
        )
        await _edited(info, editing.update_class, scheme, code, expected_version, changes, _edit(info, reason))
        return await _class_payload(info, scheme, code)

    @staticmethod
    @mutation(ClassPayload)
    async def resolve_move_class(
        root: object,
        info: GraphQLResolveInfo,
        scheme: str,
        code: str,
        expected_version: int,
        reason: str,
        new_parent: str | None = None,
    ) -> ClassPayload:
        await _edited(info, editing.move_class, scheme, code, expected_version, new_parent, _edit(info, reason))
        return await _class_payload(info, scheme, code)

    @staticmethod
    @mutation(ClassPayload)
    async def resolve_deprecate_class(
        root: object,
        info: GraphQLResolveInfo,
        scheme: str,
        code: str,
        expected_version: int,
        reason: str,
        replaced_by: str | None = None,
    ) -> ClassPayload:
        await _edited(info, editing.deprecate_class, scheme, code, expected_version, replaced_by, _edit(info, reason))
        return await _class_payload(info, scheme, code)

    @staticmethod
    @mutation(ClassPayload)
    async def resolve_attach_property(
        root: object,
        info: GraphQLResolveInfo,
        scheme: str,
        class_code: str,
        expected_version: int,
        property: str,
        reason: str,
        required_property: bool = False,
    ) -> ClassPayload:
        await _edited(
            info, curation.attach_property, scheme, class_code, expected_version, property, required_property,
            _edit(info, reason),
        )  # fmt: skip
        return await _class_payload(info, scheme, class_code)

    @staticmethod
    @mutation(ClassPayload)
    async def resolve_set_mapping(
        root: object,
        info: GraphQLResolveInfo,
        scheme: str,
        from_code: str,
        expected_version: int,
        to_scheme: str,
        to_code: str,
        relation: str,
        reason: str,
        remove: bool = False,
    ) -> ClassPayload:
        mapping = Mapping(
            from_code=from_code,
            to_scheme=to_scheme,
            to_code=to_code,
            relation=choice(SkosRelation, relation, "relation"),
            source=_actor(info),
        )
        await _edited(info, curation.set_mapping, scheme, expected_version, mapping, _edit(info, reason), remove)
        return await _class_payload(info, scheme, from_code)

    @staticmethod
    @mutation(UnitPayload)
    async def resolve_define_unit(
        root: object,
        info: GraphQLResolveInfo,
        scheme: str,
        code: str,
        symbol: str,
        labels: dict[str, str | None],
        quantity: str,
        base: str,
        factor: float,
        reason: str,
        offset: float = 0.0,
    ) -> UnitPayload:
        unit = Unit(code=code, symbol=symbol, labels=labels_of(labels), quantity=quantity, base=base, factor=factor,
                    offset=offset)  # fmt: skip
        await _edited(info, curation.define_unit, scheme, unit, _edit(info, reason))
        return UnitPayload(ok=True, user_errors=[], code=code)

    @staticmethod
    @mutation(PropertyPayload)
    async def resolve_define_property(
        root: object,
        info: GraphQLResolveInfo,
        scheme: str,
        code: str,
        labels: dict[str, str | None],
        data_type: str,
        reason: str,
        definition: dict[str, str | None] | None = None,
        unit: str | None = None,
        values: list[dict[str, Any]] | None = None,
    ) -> PropertyPayload:
        prop = Property(
            code=code,
            labels=labels_of(labels),
            definition=optional_labels_of(definition),
            data_type=choice(DataType, data_type, "dataType"),
            unit=unit,
            values=[value_of(v) for v in values or []],
        )
        await _edited(info, curation.define_property, scheme, prop, _edit(info, reason))
        return PropertyPayload(
            ok=True, user_errors=[], property=await ctx(info).loaders.properties.load(uid(scheme, code))
        )

    @staticmethod
    @mutation(PropertyPayload)
    async def resolve_add_values(
        root: object,
        info: GraphQLResolveInfo,
        scheme: str,
        property: str,
        expected_version: int,
        values: list[dict[str, Any]],
        reason: str,
    ) -> PropertyPayload:
        await _edited(info, curation.add_values, scheme, property, expected_version, [value_of(v) for v in values],
                      _edit(info, reason))  # fmt: skip
        record = await ctx(info).loaders.properties.load(uid(scheme, property))
        return PropertyPayload(ok=True, user_errors=[], property=record)

    @staticmethod
    @mutation(ItemPayload)
    async def resolve_create_item(
        root: object,
        info: GraphQLResolveInfo,
        scheme: str,
        code: str,
        class_code: str,
        labels: dict[str, str | None],
        reason: str,
        values: list[dict[str, Any]] | None = None,
    ) -> ItemPayload:
        item = Item(code=code, class_code=class_code, labels=labels_of(labels),
                    values=[ItemValue(**v) for v in values or []])  # fmt: skip
        created = await _edited(info, curation.create_item, scheme, item, _edit(info, reason))
        return ItemPayload(ok=True, user_errors=[], item=(scheme, created))

    @staticmethod
    @mutation(ItemPayload)
    async def resolve_update_item(
        root: object,
        info: GraphQLResolveInfo,
        scheme: str,
        code: str,
        expected_version: int,
        labels: dict[str, str | None],
        reason: str,
    ) -> ItemPayload:
        await _edited(
            info, curation.update_item_labels, scheme, code, expected_version, labels_of(labels), _edit(info, reason)
        )
        return ItemPayload(
            ok=True, user_errors=[], item=(scheme, await ctx(info).loaders.items.load(uid(scheme, code)))
        )

    @staticmethod
    @mutation(ReleasePayload)
    async def resolve_publish_release(root: object, info: GraphQLResolveInfo, scheme: str, note: str) -> ReleasePayload:
        release = await _edited(info, releases.publish_release, scheme, _actor(info), note)
        return ReleasePayload(ok=True, user_errors=[], number=release.number, concepts=release.concepts)

    @staticmethod
    @mutation(SchemePayload)
    async def resolve_set_target_precision(
        root: object, info: GraphQLResolveInfo, scheme: str, precision: float, reason: str
    ) -> SchemePayload:
        await _edited(info, set_target_precision, scheme, precision, _edit(info, reason))
        with contextlib.suppress(Unavailable):  # a matcher still being built reads it from the store
            ctx(info).app.state.matcher.get().set_target_precision(scheme, precision)  # at once, before the rebuild
        found = [s for s in await ctx(info).read(browse.schemes) if s.code == scheme]
        return SchemePayload(ok=True, user_errors=[], scheme=found[0] if found else None)
