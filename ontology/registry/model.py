"""The registry's edge models: what callers send (`FirmInput`, `ProductInput`) and what they get
back (`Firm`, `Product`, `Problem`). Product values are stated as the template wants them
(`ProductValue`): an enum value by code, label or synonym, a number with its unit, or text that
the template's data type reads (`30 mm`, `M8`, `是`)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import StringConstraints, field_validator

from ontology.model import Model
from ontology.registry.identifiers import IdentifierError, validate_gtin, validate_uscc

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class ProductStatus(StrEnum):
    draft = "draft"
    published = "published"
    withdrawn = "withdrawn"


class FirmInput(Model):
    code: Text  # unified social credit code
    name_zh: Text
    name_en: Text | None = None
    region: Text  # 金华市永康市

    @field_validator("code")
    @classmethod
    def _uscc(cls, code: str) -> str:
        try:
            return validate_uscc(code)
        except IdentifierError as exc:
            raise ValueError(str(exc)) from None


class Firm(FirmInput):
    version: int
    created_at: str


class ProductValue(Model):
    """One value as stated: `value` (an enum value's code, label or synonym), `number` with `unit`
    (default: the template's unit) and `max` for a range, `flag`, or `text` read by the property's
    data type."""

    property: Text
    value: Text | None = None
    number: float | None = None
    max: float | None = None
    unit: Text | None = None
    flag: bool | None = None
    text: LongText | None = None


class ProductInput(Model):
    sku: Text  # the firm's own article number (货号)
    name_zh: Text
    name_en: Text | None = None
    class_code: Text
    item_code: Text | None = None
    gtin: Text | None = None
    brand: Text | None = None
    values: list[ProductValue] = []

    @field_validator("gtin")
    @classmethod
    def _gtin(cls, gtin: str | None) -> str | None:
        if gtin is None:
            return None
        try:
            return validate_gtin(gtin)
        except IdentifierError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("values")
    @classmethod
    def _few_values(cls, values: list[ProductValue]) -> list[ProductValue]:
        if len(values) > MAX_VALUES:
            raise ValueError(f"at most {MAX_VALUES} values a product")
        return values


MAX_VALUES = 64


class StoredValue(Model):
    """A value as kept: normalized onto the template (an enum code, a number in the template's unit)."""

    property: str
    value: str | None = None
    number: float | None = None
    max: float | None = None
    unit: str | None = None
    flag: bool | None = None
    text: str | None = None


class ProblemKind(StrEnum):
    unknown_class = "unknown_class"
    deprecated_class = "deprecated_class"
    unknown_item = "unknown_item"
    unknown_property = "unknown_property"
    not_in_list = "not_in_list"
    deprecated_value = "deprecated_value"
    bad_unit = "bad_unit"
    bad_value = "bad_value"
    missing_required = "missing_required"
    conflict = "conflict"
    duplicate = "duplicate"
    status = "status"


BLOCKS_DRAFT = frozenset(
    {
        ProblemKind.unknown_class,
        ProblemKind.unknown_item,
        ProblemKind.unknown_property,
        ProblemKind.not_in_list,
        ProblemKind.bad_unit,
        ProblemKind.bad_value,
    }
)
"""Problems a product is never stored with; the others (a missing required value, a conflict, a
deprecated class) a draft may have, and publishing refuses."""


class Problem(Model):
    kind: ProblemKind
    message: str  # Chinese first, then English
    property: str | None = None
    expected: list[str] = []  # the allowed values, the successor class, the item's value


class Product(Model):
    id: str
    firm: str
    sku: str
    name_zh: str
    name_en: str | None = None
    class_code: str
    item_code: str | None = None
    gtin: str | None = None
    brand: str | None = None
    status: ProductStatus
    version: int
    values: list[StoredValue] = []
    completeness: float
    problems: list[Problem] = []
    created_at: str
    updated_at: str
