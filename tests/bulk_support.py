"""Helpers for the bulk matching tests: a small ontology file, a catalog in every format, output
readers, and the expected output computed with the matcher directly."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from bulk import BulkSettings, Summary, outputs, run_bulk
from bulk.chunk_matcher import STATUS
from bulk.snapshots import copy_scheme
from matchers import Matcher
from ontology.jsonfile import write_bundles
from tests.matcher_bundles import CPMS, OTHER

HEADERS = ["货号", "品名", "规格型号", "材质", "品牌", "单位"]
ROWS = [
    ["A001", "六角螺栓", "M8*30", "碳钢", "东明", "千支"],
    ["A002", "内六角螺丝", "M10x40", "304", "", "个"],
    ["A003", "活动扳手", "8寸", "", "史丹利", "把"],
    ["A004", "合页", "4寸", "不锈钢", "", "片"],
    ["A005", "六角螺母", "Ｍ１２", "", "", "个"],
    ["A006", "外六角全牙螺絲", "M8X30", "", "", "千支"],
    ["A007", "Hex bolt", "M10*30", "8.8级", "", ""],
]
"""A small factory's catalog: SKU, name, spec, material, brand, unit."""


def ontology_file(folder: Path) -> Path:
    path = folder / "ontology.json"
    write_bundles(path, [CPMS, OTHER])
    return path


def catalog_rows(count: int) -> list[list[str]]:
    """`count` rows, most of them different records, built from `ROWS`."""
    rows = []
    for n in range(count):
        sku, name, spec, material, brand, unit = ROWS[n % len(ROWS)]
        rows.append([f"{sku}-{n}", name, f"{spec} {n % 97}" if n >= len(ROWS) else spec, material, brand, unit])
    return rows


def write_csv(path: Path, rows: list[list[str]], headers: list[str] = HEADERS, **options: Any) -> Path:
    encoding = options.pop("encoding", "utf-8")
    with path.open("w", encoding=encoding, newline="") as file:
        writer = csv.writer(file, **options)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def run(input: Path, output: Path, ontology: Path, **settings: Any) -> Summary:
    bulk = BulkSettings(**{"workers": 0, **settings})
    return run_bulk(input, output, bulk, lambda target: copy_scheme(ontology, bulk.scheme, target))


def read_output(path: Path) -> list[dict[str, Any]]:
    """Output rows as dicts, the nested columns decoded, whatever the format."""
    return list(outputs.read_output(path))


def expected(rows: list[list[str]], headers: list[str] = HEADERS, scheme: str = "CPMS") -> list[dict[str, Any]]:
    """What the output must say, from the matcher itself: row numbers (the header is line 1),
    statuses, best codes and scores."""
    matcher = Matcher.from_bundles([CPMS, OTHER])
    fields = {"品名": "name", "规格型号": "spec", "材质": "material", "品牌": "brand", "单位": "unit"}
    out = []
    for line, row in enumerate(rows, start=2):
        record = {fields[h]: v for h, v in zip(headers, row, strict=True) if h in fields and v}
        result = matcher.match(record, scheme=scheme)
        out.append(
            {"row": line, "status": STATUS[result.decision].value, "code": result.top.code if result.top else "",
             "score": result.top.score if result.top else None}
        )  # fmt: skip
    return out


def essentials(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: r[k] for k in ("row", "status", "code", "score")} for r in rows]
