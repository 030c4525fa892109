"""Unit codes the extractors emit, and conversion between them.

Every unit belongs to one quantity and converts to that quantity's base unit by a factor
(`base = value * factor`), the same convention as `ontology.model.Unit`. The extractors report
lengths in mm and other quantities in their base unit; later stages convert to a property's unit
with `convert`.
"""

from __future__ import annotations

from typing import NamedTuple


class UnitFactor(NamedTuple):
    quantity: str
    factor: float  # multiply by this to get the quantity's base unit


BASE_UNITS: dict[str, str] = {
    "length": "mm",
    "mass": "g",
    "volume": "ml",
    "voltage": "v",
    "power": "w",
    "speed": "r/min",
    "torque": "n·m",
}

UNITS: dict[str, UnitFactor] = {
    "mm": UnitFactor("length", 1.0),
    "cm": UnitFactor("length", 10.0),
    "m": UnitFactor("length", 1000.0),
    "inch": UnitFactor("length", 25.4),
    "g": UnitFactor("mass", 1.0),
    "kg": UnitFactor("mass", 1000.0),
    "ml": UnitFactor("volume", 1.0),
    "l": UnitFactor("volume", 1000.0),
    "v": UnitFactor("voltage", 1.0),
    "kv": UnitFactor("voltage", 1000.0),
    "w": UnitFactor("power", 1.0),
    "kw": UnitFactor("power", 1000.0),
    "r/min": UnitFactor("speed", 1.0),
    "n·m": UnitFactor("torque", 1.0),
}

TRADE_INCH_MM = 25.0
"""Chinese trade sizes of tools, hinges, casters and discs count 1寸 as 25 mm: an 8寸 adjustable
wrench is sold as 200 mm, a 4寸 hinge as 100 mm. Exact inches (25.4 mm) are `UNITS["inch"]`."""


class UnitError(ValueError):
    """An unknown unit code, or a conversion between different quantities."""


def unit_factor(unit: str) -> UnitFactor:
    try:
        return UNITS[unit]
    except KeyError:
        raise UnitError(f"unknown unit {unit!r}") from None


def to_base(value: float, unit: str) -> tuple[float, str]:
    """`value` in `unit` as (value, code) in the base unit of its quantity: (1.5, 'l') -> (1500.0, 'ml')."""
    quantity, factor = unit_factor(unit)
    return value * factor, BASE_UNITS[quantity]


def convert(value: float, from_unit: str, to_unit: str) -> float:
    source, target = unit_factor(from_unit), unit_factor(to_unit)
    if source.quantity != target.quantity:
        raise UnitError(f"cannot convert {source.quantity} ({from_unit}) to {target.quantity} ({to_unit})")
    return value * source.factor / target.factor


def format_number(value: float) -> str:
    """A number as people write it: 30.0 -> '30', 1.25 -> '1.25', 2016.0 -> '2016'."""
    return str(int(value)) if value == int(value) else repr(float(value))
