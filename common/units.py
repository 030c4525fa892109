"""The units CPMS knows, keyed by UN/CEFACT Recommendation 20 common codes (`MMT`, `INH`, `NU`),
the codes ECLASS, ETIM and GS1 use: one registry for the matcher's value extraction and for the
units of the CPMS standard.

Every unit belongs to one quantity and converts to that quantity's base unit by a factor
(`base = value * factor`, as `ontology.model.Unit`). The bases are the units hardware catalogs and
drawings state sizes in (mm, g, ml), so that the numbers the matcher reads stay exact.

`text` is how normalized matching text writes the unit after a number (`30mm`, `1.5l`, `12n·m`),
and `spellings` are the ways catalogs write it that normalization rewrites to `text`; a unit
without `text` is not read from text. `synonyms` are further names, listed with the unit in the
ontology: 寸 is the hardware trade's inch (an 8寸 wrench), but normalization keeps 寸 and 分 as
written, because whether `4分` or `1寸` is a pipe size or a length depends on the words around it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class UnitDef:
    code: str  # UN/CEFACT Recommendation 20 common code
    symbol: str
    zh: str
    en: str
    quantity: str
    factor: float  # multiply by this to get the quantity's base unit
    text: str | None = None
    spellings: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()

    def names(self) -> Iterator[str]:
        """Every other way to write the unit: its spellings and synonyms, once each."""
        yield from dict.fromkeys((*self.spellings, *self.synonyms))


_DEFINITIONS = (
    UnitDef("MMT", "mm", "毫米", "millimetre", "length", 1.0, "mm", ("毫米",), ("公厘", "millimeter", "MM")),
    UnitDef("CMT", "cm", "厘米", "centimetre", "length", 10.0, "cm", ("厘米", "公分"), ("centimeter", "CM")),
    UnitDef("MTR", "m", "米", "metre", "length", 1000.0, "m", ("米",), ("公尺", "meter")),
    UnitDef(
        "INH", "in", "英寸", "inch", "length", 25.4, "inch", ("英寸", "吋", "inches", "inch", "in", '"'), ("寸", "″")
    ),
    UnitDef("GRM", "g", "克", "gram", "mass", 1.0, "g", ("克",), ("公克", "gram")),
    UnitDef("KGM", "kg", "千克", "kilogram", "mass", 1000.0, "kg", ("公斤", "千克"), ("KG", "kilo")),
    UnitDef("MLT", "ml", "毫升", "millilitre", "volume", 1.0, "ml", ("毫升",), ("mL", "ML", "cc", "milliliter")),
    UnitDef("LTR", "L", "升", "litre", "volume", 1000.0, "l", ("升",), ("公升", "liter")),
    UnitDef("VLT", "V", "伏", "volt", "voltage", 1.0, "v", ("伏特", "伏"), ("volt",)),
    UnitDef("KVT", "kV", "千伏", "kilovolt", "voltage", 1000.0, "kv", ("千伏",), ("KV", "kilovolt")),
    UnitDef("WTT", "W", "瓦", "watt", "power", 1.0, "w", ("瓦特", "瓦"), ("watt",)),
    UnitDef("KWT", "kW", "千瓦", "kilowatt", "power", 1000.0, "kw", ("千瓦",), ("KW", "kilowatt")),
    UnitDef(
        "RPM",
        "r/min",
        "转每分",
        "revolutions per minute",
        "rotational_speed",
        1.0,
        "r/min",
        ("转/分钟", "转/分", "转每分钟", "转每分", "转", "rpm"),
        ("RPM", "r.p.m.", "min-1"),
    ),
    UnitDef(
        "NU",
        "N·m",
        "牛·米",
        "newton metre",
        "torque",
        1.0,
        "n·m",
        ("牛米", "牛·米", "n·m", "n.m", "n*m", "n-m", "nm"),
        ("Nm", "N.m", "N-m", "牛顿米"),
    ),
    UnitDef("NEW", "N", "牛", "newton", "force", 1.0, synonyms=("牛顿", "newton")),
    UnitDef("JOU", "J", "焦耳", "joule", "energy", 1.0, synonyms=("焦",)),
    UnitDef("AMP", "A", "安", "ampere", "current", 1.0, synonyms=("安培", "amp")),
    UnitDef("CEL", "°C", "摄氏度", "degree Celsius", "temperature", 1.0, synonyms=("℃",)),
    UnitDef("DD", "°", "度", "degree", "angle", 1.0, synonyms=("deg",)),
    UnitDef("H87", "pcs", "个", "piece", "count", 1.0, synonyms=("只", "把", "件", "pc", "piece")),
)

UNITS: MappingProxyType[str, UnitDef] = MappingProxyType({u.code: u for u in _DEFINITIONS})
"""Every unit by its Recommendation 20 code."""

BASE_UNITS: MappingProxyType[str, str] = MappingProxyType({u.quantity: u.code for u in _DEFINITIONS if u.factor == 1.0})
"""The base unit of each quantity (its factor is 1)."""

TEXT_UNITS: MappingProxyType[str, UnitDef] = MappingProxyType({u.text: u for u in _DEFINITIONS if u.text})
"""The units read from text, by how normalized text writes them (`mm`, `inch`, `n·m`)."""


class UnitError(ValueError):
    """An unknown unit code, or a conversion between different quantities."""


def unit(code: str) -> UnitDef:
    try:
        return UNITS[code]
    except KeyError:
        raise UnitError(f"unknown unit {code!r}") from None


def read_unit(spelling: str) -> UnitDef | None:
    """The unit a code or a matching-text spelling names (`MMT`, `mm`, `N·m`), read from text or not;
    None for any other spelling."""
    return UNITS.get(spelling) or TEXT_UNITS.get(spelling.lower())


def text_spellings() -> dict[str, str]:
    """Each spelling that normalization rewrites, and the unit's `text` it becomes."""
    return {spelling: u.text for u in _DEFINITIONS if u.text for spelling in u.spellings}


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """`value` in one unit in another of the same quantity: convert(8, 'INH', 'MMT') == 203.2."""
    source, target = unit(from_unit), unit(to_unit)
    if source.quantity != target.quantity:
        raise UnitError(f"cannot convert {source.quantity} ({from_unit}) to {target.quantity} ({to_unit})")
    return value * source.factor / target.factor


def to_base(value: float, code: str) -> tuple[float, str]:
    """`value` in the base unit of its quantity: (1.5, 'LTR') -> (1500.0, 'MLT')."""
    source = unit(code)
    return value * source.factor, BASE_UNITS[source.quantity]


def symbol(code: str) -> str:
    """How a unit is printed after a number: 'MMT' -> 'mm'; a code CPMS does not know, as it is."""
    known = UNITS.get(code)
    return known.symbol if known else code
