"""The ontology's data model: what is stored in Neo4j, exported, imported and snapshotted.

These pydantic models are the edge format of the ontology. A `SchemeBundle` is one scheme in full
(its classes, properties, units, items and outgoing mappings); its JSON form is the lossless export
format, the import format and the snapshot the matchers are built from.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from common.errors import InvalidSetting

FORMAT_VERSION = 1

Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Lang = Literal["zh-Hans", "zh-Hant", "en"]
LANGS: tuple[Lang, ...] = ("zh-Hans", "zh-Hant", "en")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Labels(Model):
    """Text in the languages the standard keeps: simplified and traditional Chinese, English."""

    zh_hans: str | None = Field(default=None, alias="zh-Hans")
    zh_hant: str | None = Field(default=None, alias="zh-Hant")
    en: str | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def any(self) -> str:
        return self.zh_hans or self.en or self.zh_hant or ""

    def texts(self) -> list[str]:
        return [t for t in (self.zh_hans, self.zh_hant, self.en) if t]


class Status(StrEnum):
    draft = "draft"
    active = "active"
    deprecated = "deprecated"


class SkosRelation(StrEnum):
    exactMatch = "exactMatch"
    closeMatch = "closeMatch"
    broadMatch = "broadMatch"
    narrowMatch = "narrowMatch"
    relatedMatch = "relatedMatch"


class DataType(StrEnum):
    enum = "enum"  # one of the property's allowed values
    number = "number"  # a quantity in the property's unit
    range = "range"  # min..max in the property's unit
    boolean = "boolean"
    text = "text"


class Synonym(Model):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    lang: Lang = "zh-Hans"
    source: str = "cpms"


TARGET_PRECISIONS = (0.5, 0.999)
"""The lowest and highest precision a scheme may ask of its `auto` decisions."""


def check_target_precision(precision: float) -> None:
    """INVALID_SETTING for a precision outside TARGET_PRECISIONS: the store's setting and a
    matcher's own are checked alike."""
    lowest, highest = TARGET_PRECISIONS
    if not lowest <= precision <= highest:
        raise InvalidSetting(
            f"目标精度应在 {lowest} 到 {highest} 之间 / the target precision must be {lowest} to {highest}, "
            f"not {precision}",
            field="precision",
        )


class Scheme(Model):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]{1,15}$")]
    name: Labels
    version: str
    source: str
    licence: str
    description: str | None = None
    code_pattern: str | None = None  # regex every class code of the scheme must match
    target_precision: float | None = Field(default=None, ge=TARGET_PRECISIONS[0], le=TARGET_PRECISIONS[1])
    """The share of `auto` decisions that must be right (`matchers.calibration`; None: 0.95)."""


class Unit(Model):
    """A unit with its conversion to the SI (or customary base) unit: base = value * factor + offset."""

    code: Code
    symbol: str
    labels: Labels
    quantity: str  # length, mass, torque, power, voltage, speed, pipe_size ...
    base: str  # code of the base unit of that quantity
    factor: float
    offset: float = 0.0
    synonyms: list[Synonym] = []


class Value(Model):
    code: Code
    labels: Labels
    synonyms: list[Synonym] = []
    status: Status = Status.active


class Property(Model):
    code: Code
    labels: Labels
    definition: Labels | None = None
    data_type: DataType
    unit: str | None = None  # unit code for number and range properties
    values: list[Value] = []  # allowed values for enum properties
    version: int = 1


class ClassProperty(Model):
    """A property attached to a class's template; descendants inherit it."""

    property: Code
    required: bool = False


class ConceptClass(Model):
    code: Code
    parent: Code | None = None
    level: int = Field(ge=1, le=10)
    labels: Labels
    definition: Labels | None = None
    status: Status = Status.active
    replaced_by: Code | None = None
    version: int = 1
    synonyms: list[Synonym] = []
    properties: list[ClassProperty] = []


class Mapping(Model):
    """A SKOS mapping from a class of this scheme to a class of another scheme."""

    from_code: Code
    to_scheme: str
    to_code: Code
    relation: SkosRelation
    source: str = "cpms"


class ItemValue(Model):
    """One property value of a standard item: an enum value code, a number in the property's unit,
    a range, a boolean or a text."""

    property: Code
    value: str | None = None  # enum value code or text
    number: float | None = None
    max: float | None = None  # upper bound when the property is a range (number is the lower)
    flag: bool | None = None


class Item(Model):
    """A fully specified standard master data record inside a class."""

    code: Code
    class_code: Code
    labels: Labels
    values: list[ItemValue] = []
    synonyms: list[Synonym] = []
    status: Status = Status.active
    replaced_by: Code | None = None
    version: int = 1


class SchemeBundle(Model):
    """One scheme in full: the JSON export, import and snapshot format."""

    format_version: int = FORMAT_VERSION
    scheme: Scheme
    units: list[Unit] = []
    properties: list[Property] = []
    classes: list[ConceptClass] = []
    items: list[Item] = []
    mappings: list[Mapping] = []
