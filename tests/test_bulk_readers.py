"""Reading catalogs: every format and encoding to the same rows; bad bytes, ragged rows, huge
cells and broken files as clear per-row or per-file errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bulk.readers import open_source
from bulk.types import RowError
from common.errors import InvalidInput
from tests.bulk_support import HEADERS, ROWS, write_csv

EXPECTED = [(line, dict(zip(HEADERS, [v or None if v == "" else v for v in row], strict=True)))
            for line, row in enumerate(ROWS, start=2)]  # fmt: skip


def read(path: Path, **options) -> tuple[list[tuple[int, Any]], dict[str, object]]:
    with open_source(path, **options) as source:
        rows = list(source.rows)
        return rows, {"format": source.format, "encoding": source.encoding, "headers": source.headers,
                      "blank": source.blank_rows, "fraction": source.fraction()}  # fmt: skip


def _cells(rows: list[tuple[int, object]]) -> list[tuple[int, object]]:
    """Empty cells read as "" from text formats and None from others; compare them as None."""
    return [(n, {k: v or None for k, v in c.items()}) if isinstance(c, dict) else (n, c) for n, c in rows]


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter", "detected"),
    [
        ("utf8.csv", "utf-8", ",", "utf-8"),
        ("bom.csv", "utf-8-sig", ",", "utf-8-sig"),
        ("gbk.csv", "gbk", ",", "gb18030"),
        ("gb18030.csv", "gb18030", ",", "gb18030"),
        ("utf16.txt", "utf-16", "\t", "utf-16"),
        ("tabs.tsv", "utf-8", "\t", "utf-8"),
        ("semicolons.csv", "gbk", ";", "gb18030"),
    ],
)
def test_text_files_in_every_encoding_read_the_same(tmp_path, name, encoding, delimiter, detected):
    path = write_csv(tmp_path / name, ROWS, encoding=encoding, delimiter=delimiter)
    rows, info = read(path)
    assert _cells(rows) == EXPECTED
    assert info["encoding"] == detected
    assert info["format"] == ("tsv" if delimiter == "\t" else "csv")
    assert info["fraction"] == 1.0


def test_a_taiwan_suppliers_big5_file_reads_as_big5(tmp_path):
    rows = [
        ["T001", "六角螺栓", "M8*30", "碳鋼", "", "千支"],
        ["T002", "內六角螺絲", "M10x40", "不鏽鋼304", "", "個"],
        ["T003", "活動扳手", "8吋", "", "", "把"],
    ]
    headers = ["貨號", "品名", "規格", "材質", "品牌", "單位"]
    path = write_csv(tmp_path / "big5.csv", rows, headers, encoding="big5")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    assert path.read_bytes().decode("gb18030") != path.read_text(encoding="big5")  # it decodes, wrongly
    found, info = read(path)
    assert info["encoding"] == "big5"
    assert [cells["品名"] for _, cells in found] == ["六角螺栓", "內六角螺絲", "活動扳手"]


def test_gb18030_characters_outside_gbk(tmp_path):
    rows = [["B001", "䶮牌门锁 €", "", "", "", "把"]]  # 䶮 and € are four-byte GB18030 sequences
    path = write_csv(tmp_path / "gb18030.csv", rows, encoding="gb18030")
    with pytest.raises(UnicodeEncodeError):
        "䶮".encode("gbk")
    cells = dict(zip(HEADERS, ["B001", "䶮牌门锁 €", None, None, None, "把"], strict=True))
    assert _cells(read(path)[0]) == [(2, cells)]


def test_xlsx_jsonl_and_parquet_read_the_same(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(HEADERS)
    for row in ROWS:
        sheet.append([v or None for v in row])
    workbook.save(tmp_path / "catalog.xlsx")
    (tmp_path / "catalog.jsonl").write_text(
        "".join(json.dumps(dict(zip(HEADERS, row, strict=True)), ensure_ascii=False) + "\n" for row in ROWS),
        encoding="utf-8",
    )
    pq.write_table(pa.Table.from_pylist([dict(zip(HEADERS, row, strict=True)) for row in ROWS]), tmp_path / "c.parquet")

    xlsx, info = read(tmp_path / "catalog.xlsx")
    assert (_cells(xlsx), info["format"], info["encoding"]) == (EXPECTED, "xlsx", None)
    jsonl, info = read(tmp_path / "catalog.jsonl")
    assert (_cells(jsonl), info["format"]) == ([(n - 1, c) for n, c in EXPECTED], "jsonl")
    parquet, info = read(tmp_path / "c.parquet")
    assert (_cells(parquet), info["format"]) == ([(n - 1, c) for n, c in EXPECTED], "parquet")


def test_xlsx_numbers_read_as_people_write_them_and_sheets_by_name(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.worksheets[0].append(["ignored"])
    sheet = workbook.create_sheet("目录")
    sheet.append(["品名", "长度", "数量"])
    sheet.append(["螺栓", 30.0, 1.5])
    sheet.append([None, None, None])
    sheet.append(["螺母", 12, None])
    workbook.save(tmp_path / "book.xlsx")
    rows, info = read(tmp_path / "book.xlsx", sheet="目录")
    assert rows == [
        (2, {"品名": "螺栓", "长度": "30", "数量": "1.5"}),
        (4, {"品名": "螺母", "长度": "12", "数量": None}),
    ]
    assert info["blank"] == 1
    with pytest.raises(InvalidInput, match="no sheet 'other'.*目录"):
        read(tmp_path / "book.xlsx", sheet="other")


def test_undecodable_bytes_are_an_error_of_their_row(tmp_path):
    path = tmp_path / "broken.csv"
    good = "品名,规格\n六角螺栓,M8*30\n".encode()
    path.write_bytes(good + b"\xe5\x85\xad\xff\xfe\xe8\xa7\x92,M10\n" + "合页,4寸\n".encode())
    rows, info = read(path)
    assert info["encoding"] == "utf-8"
    assert rows[0] == (2, {"品名": "六角螺栓", "规格": "M8*30"})
    assert rows[1][0] == 3 and isinstance(rows[1][1], RowError)
    assert "undecodable bytes b'\\xff\\xfe' in column '品名'" in rows[1][1].reason
    assert rows[2] == (4, {"品名": "合页", "规格": "4寸"})


def test_a_gbk_file_with_a_bad_byte_is_still_gbk(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("品名,规格\n六角螺栓,M8\n".encode("gbk") + b"\xff\xff,M10\n" + "合页,4寸\n".encode("gbk"))
    rows, info = read(path)
    assert info["encoding"] == "gb18030"
    assert [n for n, c in rows if isinstance(c, RowError)] == [3]
    assert rows[2] == (4, {"品名": "合页", "规格": "4寸"})


def test_a_header_that_cannot_be_decoded_fails_the_file(tmp_path):
    path = tmp_path / "garbage.csv"
    path.write_bytes(b"\x00\xff\xfe\xfd,\x80\x81\n1,2\n")
    with pytest.raises(InvalidInput, match="line 1: the header has undecodable bytes"):
        read(path, encoding="utf-8")


def test_ragged_rows_are_errors_and_trailing_empty_cells_are_not(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("品名,规格,材质\n螺栓,M8,碳钢\n螺母,M8\n合页,4寸,铁,多余\n扳手,8寸,,,\n", encoding="utf-8")
    rows, _ = read(path)
    assert rows[0] == (2, {"品名": "螺栓", "规格": "M8", "材质": "碳钢"})
    assert rows[1] == (3, RowError("ragged row: 2 cells, the header has 3"))
    assert rows[2] == (4, RowError("ragged row: 4 cells, the header has 3"))
    assert rows[3] == (5, {"品名": "扳手", "规格": "8寸", "材质": ""})


def test_a_quote_left_open_is_an_error_naming_its_lines(tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('品名,规格\n螺栓,M8\n"螺母,M8\n合页,4寸\n扳手,8寸\n', encoding="utf-8")
    rows, _ = read(path)
    assert rows[0] == (2, {"品名": "螺栓", "规格": "M8"})
    assert rows[1][0] == 3 and "lines 3-5" in rows[1][1].reason and "quote left open on line 3" in rows[1][1].reason


def test_a_10_mb_cell_is_an_error_of_its_row(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text(f"品名,规格\n螺栓,M8\n{'螺' * 10_000_000},M8\n合页,4寸\n", encoding="utf-8")
    rows, _ = read(path)
    assert rows[0] == (2, {"品名": "螺栓", "规格": "M8"})
    assert rows[1] == (3, RowError("cell '品名' has 10,000,000 characters, over the limit of 100,000"))
    assert rows[2] == (4, {"品名": "合页", "规格": "4寸"})


def test_jsonl_lines_that_are_not_objects_are_errors_of_their_line(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"品名": "螺栓", "规格": "M8"}\nnot json\n[1, 2]\n\n{"品名": "螺母"}\n', encoding="utf-8")
    rows, info = read(path)
    assert rows[0] == (1, {"品名": "螺栓", "规格": "M8"})
    assert rows[1][0] == 2 and rows[1][1].reason.startswith("not valid JSON")
    assert rows[2] == (3, RowError("not a JSON object"))
    assert rows[3] == (5, {"品名": "螺母", "规格": None})
    assert info["blank"] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\xef\xbb\xbf", "the file is empty"),
        (b" \n\r\n\n", "the file is empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old Excel"),
        (b"PK\x03\x04not really a zip", "not a readable XLSX"),
        (b"PAR1not really parquet", "not a readable Parquet"),
    ],
)
def test_files_that_cannot_be_read_fail_with_a_clear_error(tmp_path, content, message):
    path = tmp_path / "input.csv"
    path.write_bytes(content)
    with pytest.raises(InvalidInput, match=message):
        read(path)


def test_a_header_without_rows_is_a_file_with_no_rows(tmp_path):
    rows, info = read(write_csv(tmp_path / "header.csv", []))
    assert rows == [] and info["headers"] == HEADERS


def test_blank_and_repeated_headers_are_named(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("品名,,品名\n螺栓,a,b\n", encoding="utf-8")
    assert read(path)[0] == [(2, {"品名": "螺栓", "column 2": "a", "品名 (2)": "b"})]
