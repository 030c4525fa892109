"""A firm's catalog as a spreadsheet: CSV (UTF-8 with BOM, or GBK for older Chinese software) or
XLSX, one row a product with its CPMS codes and its values normalized onto the template (a column
per property, numbers in the template's unit). Cells are neutralized as bulk outputs are: a
spreadsheet shows them and never runs them."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Literal

from bulk.writers import XLSX_MAX_ROWS, csv_cells
from common.errors import InvalidInput
from ontology.registry.checking import describe
from ontology.registry.model import Product

ExportFormat = Literal["csv", "xlsx"]
ExportEncoding = Literal["utf-8", "gbk"]
COLUMNS = ("product_id", "sku", "name_zh", "name_en", "status", "version", "class_code", "item_code", "gtin",
           "brand", "completeness")  # fmt: skip
MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def catalog_rows(products: Sequence[Product]) -> tuple[list[str], list[list[object]]]:
    """The header (the fixed columns, then each property stated, in order of first use) and the rows."""
    properties = list(dict.fromkeys(v.property for p in products for v in p.values))
    rows: list[list[object]] = []
    for p in products:
        values: dict[str, list[str]] = {}
        for v in p.values:
            values.setdefault(v.property, []).append(describe(v))
        fixed: list[object] = [p.id, p.sku, p.name_zh, p.name_en, p.status.value, p.version, p.class_code,
                               p.item_code, p.gtin, p.brand, p.completeness]  # fmt: skip
        rows.append(fixed + ["; ".join(values.get(code, [])) for code in properties])
    return [*COLUMNS, *properties], rows


def export_catalog(products: Sequence[Product], format: ExportFormat, encoding: ExportEncoding) -> bytes:
    header, rows = catalog_rows(products)
    if format == "xlsx":
        return _xlsx(header, rows)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    for row in rows:
        writer.writerow(csv_cells("" if c is None else c for c in row))
    if encoding == "utf-8":
        return ("\ufeff" + text.getvalue()).encode("utf-8")
    try:
        return text.getvalue().encode("gbk")
    except UnicodeEncodeError as exc:
        shown = exc.object[exc.start : exc.end]
        raise InvalidInput(
            f"目录中的字符 {shown!r} 无法用 GBK 表示，请用 UTF-8 / the catalog holds {shown!r}, which GBK cannot "
            "encode; export it as UTF-8",
            field="encoding",
        ) from None


def _xlsx(header: list[str], rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    if len(rows) >= XLSX_MAX_ROWS:
        raise InvalidInput(f"XLSX holds at most {XLSX_MAX_ROWS - 1:,} rows; export CSV", field="format")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("catalog")
    sheet.append(header)
    for row in rows:
        sheet.append(csv_cells(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
