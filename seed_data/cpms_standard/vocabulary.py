"""Units (`common.units`) and properties (`properties.toml`) of the standard."""

from __future__ import annotations

from typing import Any

from common.units import BASE_UNITS, UNITS, UnitDef
from ontology.model import DataType, Labels, Property, Unit, Value

from .data import read_toml
from .fastener_tables import MetricThread, metric_threads
from .terms import labels, synonyms

THREAD_SIZE = "thread_size"


def load_units() -> list[Unit]:
    return [_unit(u) for u in UNITS.values()]


def load_properties() -> list[Property]:
    return [_property(row) for row in read_toml("properties.toml")["property"]]


def _unit(u: UnitDef) -> Unit:
    names = labels(u.zh, u.en)
    return Unit(
        code=u.code,
        symbol=u.symbol,
        labels=names,
        quantity=u.quantity,
        base=BASE_UNITS[u.quantity],
        factor=u.factor,
        synonyms=synonyms([n for n in u.names() if n != u.symbol], of=names),
    )


def _property(row: dict[str, Any]) -> Property:
    values = [_value(value) for value in row.get("values", [])]
    if row["code"] == THREAD_SIZE:
        values = [_thread_value(thread) for thread in metric_threads()] + values
    return Property(
        code=row["code"],
        labels=labels(row["zh"], row["en"]),
        definition=Labels(en=row["definition"]),
        data_type=DataType(row["type"]),
        unit=row.get("unit"),
        values=values,
    )


def _value(row: dict[str, Any]) -> Value:
    names = labels(row["zh"], row["en"])
    return Value(code=row["code"], labels=names, synonyms=synonyms(row["syn"], of=names))


def _thread_value(thread: MetricThread) -> Value:
    """`M8x1` is written `M8×1` in Chinese; a coarse thread also answers to its explicit pitch."""
    names = labels(thread.designation.replace("x", "×"), thread.designation)
    spelled_out = [f"{thread.designation}x{thread.pitch:g}"] if not thread.fine and thread.pitch else []
    return Value(code=thread.designation, labels=names, synonyms=synonyms(spelled_out, of=names))
