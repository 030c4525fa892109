"""Standard fastener items (`items.toml`) generated from the ISO/DIN dimension tables.

One item per thread size x standard length x variant of each series; the serial composition that
keeps codes stable is described in `items.toml`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ontology.codes import class_code, item_code
from ontology.model import Item, ItemValue, Labels, Property, Synonym

from ..chinese import to_traditional
from .data import read_toml
from .fastener_tables import LARGEST_THREAD, MetricThread, Row, iso888_lengths, metric_threads, parse_thread, sections
from .fastener_tables import size_designation as designation_of

PRODUCT_STANDARD = "product_standard"
VARIANT_VALUES = ("material", "property_class", "surface_treatment")


@dataclass(frozen=True)
class _Numbering:
    thread_index: dict[str, int]
    length_index: dict[float, int]

    def serial(self, series: int, thread: MetricThread, length: float | None, variant: int) -> int:
        length_index = self.length_index[length] if length is not None else 0
        return series * 100_000 + self.thread_index[thread.designation] * 1000 + length_index * 10 + variant


def load_items(properties: list[Property]) -> list[Item]:
    spec = read_toml("items.toml")
    standards = {value.code: value.labels for p in properties if p.code == PRODUCT_STANDARD for value in p.values}
    numbering = _Numbering(
        thread_index={t.designation: i for i, t in enumerate(metric_threads(), start=1)},
        length_index={length: i for i, length in enumerate(iso888_lengths(), start=1)},
    )
    return [
        item
        for series in spec["series"]
        for item in _series_items(series, spec["variants"], standards[series["standard"]], numbering)
    ]


def _series_items(
    series: dict[str, Any], variants: dict[str, dict[str, Any]], standard: Labels, numbering: _Numbering
) -> Iterator[Item]:
    tables = sections(series["tables"]["file"])
    lengths = _lengths_by_thread(series, tables) if "lengths" in series["tables"] else None
    for row in tables[series["tables"]["sizes"]]:
        thread = parse_thread(designation_of(row["Dia"]))
        if thread.diameter > LARGEST_THREAD:
            continue
        for length in lengths.get(thread.designation, []) if lengths is not None else [None]:
            for key in series["variants"]:
                variant = variants[key]
                smallest, largest = variant["threads"]
                if smallest <= thread.diameter <= largest:
                    yield _item(series, variant, standard, row, thread, length, numbering)


def _lengths_by_thread(series: dict[str, Any], tables: dict[str, list[Row]]) -> dict[str, list[float]]:
    """The standard's lengths within each thread size's length range."""
    ranges = {
        designation_of(row["Dia"]): (float(row["Min_L"]), float(row["Max_L"]))
        for row in tables[series["tables"]["ranges"]]
    }
    ranges |= {size: (float(low), float(high)) for size, (low, high) in series.get("range_fixes", {}).items()}
    nominal = [float(row["Nominal"]) for row in tables[series["tables"]["lengths"]]]
    return {size: [n for n in nominal if low <= n <= high] for size, (low, high) in ranges.items()}


def _item(
    series: dict[str, Any],
    variant: dict[str, Any],
    standard: Labels,
    row: Row,
    thread: MetricThread,
    length: float | None,
    numbering: _Numbering,
) -> Item:
    size_zh = thread.designation.replace("x", "×") + (f"×{length:g}" if length is not None else "")
    size_en = thread.designation + (f"x{length:g}" if length is not None else "")
    name_zh = (series["zh"], standard.zh_hans or "", size_zh, variant["zh"])
    trade_zh = (series["trade_zh"], size_zh, variant["zh"])
    names = Labels(
        zh_hans=" ".join(name_zh),
        zh_hant=_traditional(name_zh),
        en=f"{series['en']} {standard.en} {size_en} {variant['en']}",
    )
    other_names = [
        Synonym(text=" ".join(trade_zh), lang="zh-Hans"),
        Synonym(text=_traditional(trade_zh), lang="zh-Hant"),
    ]
    if "equivalent" in series:
        equivalent = f"{series['en']} {series['equivalent']} {size_en} {variant['en']}"
        other_names.append(Synonym(text=equivalent, lang="en"))
    class_digits = series["class"]
    return Item(
        code=item_code(class_digits, numbering.serial(series["number"], thread, length, variant["digit"])),
        class_code=class_code(class_digits),
        labels=names,
        values=_values(series, variant, row, thread, length),
        synonyms=other_names,
    )


def _values(
    series: dict[str, Any], variant: dict[str, Any], row: Row, thread: MetricThread, length: float | None
) -> list[ItemValue]:
    values = [ItemValue(property="thread_size", value=thread.designation)]
    if length is not None:
        values.append(ItemValue(property="nominal_length", number=length))
    values += [ItemValue(property=code, value=variant[code]) for code in VARIANT_VALUES if code in variant]
    values.append(ItemValue(property=PRODUCT_STANDARD, value=series["standard"]))
    values += [ItemValue(property=code, value=value) for code, value in series.get("values", {}).items()]
    values += [
        ItemValue(property=code, number=float(row[column])) for code, column in series.get("dimensions", {}).items()
    ]
    return values


def _traditional(words: tuple[str, ...]) -> str:
    """Word by word, so that the conversion cache serves the few words all items share."""
    return " ".join(to_traditional(word) for word in words)
