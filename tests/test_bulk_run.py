"""A bulk run end to end: every input row exactly once, in input order, with its status, in every
output format; bad rows as errors; formula injection neutralized; settings saved for reproducing."""

from __future__ import annotations

import json

import pytest

from tests.bulk_support import HEADERS, ROWS, essentials, expected, ontology_file, read_output, run, write_csv


@pytest.mark.parametrize("output", ["out.csv", "out.xlsx", "out.jsonl", "out.parquet"])
def test_every_row_once_in_order_with_its_status_in_every_format(tmp_path, output):
    ontology = ontology_file(tmp_path)
    catalog = write_csv(tmp_path / "catalog.csv", ROWS, encoding="gbk")
    summary = run(catalog, tmp_path / output, ontology)
    rows = read_output(tmp_path / output)
    assert essentials(rows) == expected(ROWS)
    assert summary.rows == len(ROWS) and sum(summary.counts.values()) == len(ROWS)
    assert summary.encoding == "gb18030"
    assert {r["status"] for r in rows} <= {"matched", "review", "no_match"}
    for row in rows:
        assert len(row["candidates"]) <= 5 and all(c["code"] and c["label"] for c in row["candidates"])
    bolt = rows[1]  # 内六角螺丝 M10x40 304: the values the matcher read, normalized
    assert bolt["input"] == "内六角螺丝 M10x40 304"  # 货号, the firm's own stock code, is not read
    if bolt["status"] != "no_match":
        assert bolt["values"].get("thread_size") == "M10" and bolt["values"].get("nominal_length") == "40 mm"
    assert not (tmp_path / f"{output}.cpms-run").exists()


def test_bad_rows_are_errors_in_place_and_blank_rows_are_counted(tmp_path):
    ontology = ontology_file(tmp_path)
    catalog = tmp_path / "catalog.csv"
    catalog.write_bytes(
        "品名,规格,单价\n六角螺栓,M8*30,1\n螺母,M8\n\n,,2.5\n".encode()
        + b"\xe8\x9e\xba\xff\xe6\xaf\x8d,M8,1\n"
        + f"{'螺' * 200_000},M8,1\n合页,4寸,3\n".encode()
    )
    summary = run(catalog, tmp_path / "out.csv", ontology)
    rows = read_output(tmp_path / "out.csv")
    assert [r["row"] for r in rows] == [2, 3, 5, 6, 7, 8]
    statuses = {r["row"]: (r["status"], r["reason"]) for r in rows}
    assert statuses[3] == ("error", "ragged row: 2 cells, the header has 3")
    assert statuses[5] == ("error", "nothing to match: the name and the other text columns are empty")
    assert statuses[6][0] == "error" and "undecodable bytes b'\\xff'" in statuses[6][1]
    assert statuses[7] == ("error", "cell '品名' has 200,000 characters, over the limit of 100,000")
    assert statuses[2][0] != "error" and statuses[8][0] != "error"
    assert summary.blank_rows == 1 and summary.counts["error"] == 4


@pytest.mark.parametrize("output", ["out.csv", "out.xlsx"])
def test_formulas_in_cells_are_written_as_text(tmp_path, output):
    ontology = ontology_file(tmp_path)
    attacks = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", '=HYPERLINK("http://x","y")']
    catalog = write_csv(tmp_path / "catalog.csv", [["", a, "", "", "", ""] for a in attacks])
    run(catalog, tmp_path / output, ontology)
    rows = read_output(tmp_path / output)
    assert [r["input"] for r in rows] == ["'" + a for a in attacks]
    if output.endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(tmp_path / output).worksheets[0]
        assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    run(catalog, tmp_path / "raw.jsonl", ontology)
    assert [r["input"] for r in read_output(tmp_path / "raw.jsonl")] == attacks


def test_settings_are_saved_next_to_the_output(tmp_path):
    ontology = ontology_file(tmp_path)
    catalog = write_csv(tmp_path / "catalog.csv", ROWS)
    run(catalog, tmp_path / "out.csv", ontology, columns={"brand": None}, chunk_size=3)
    saved = json.loads((tmp_path / "out.csv.settings.json").read_text(encoding="utf-8"))
    assert saved["settings"]["columns"] == {"brand": None}
    assert saved["settings"]["match"]["thresholds"] is None  # each scheme's calibrated ones
    assert saved["ontology"]["scheme"] == "CPMS" and len(saved["ontology"]["sha256"]) == 64
    assert saved["input"]["columns"] == {"品名": "name", "规格型号": "spec", "材质": "material", "单位": "unit"}
    # 货号 a stock code, brand set aside by the user, unit not read
    assert saved["input"]["unused_columns"] == ["货号", "品牌", "单位"]
    assert saved["summary"]["rows"] == len(ROWS)
    # the ontology file holds no examples: too few to calibrate on, so no row was decided auto
    calibration = saved["summary"]["calibration"]
    assert calibration["examples"] == 0 and not calibration["calibrated"] and calibration["thresholds"]["auto"] is None
    assert calibration["target"] == 0.95 and saved["summary"]["counts"]["matched"] == 0


def test_matching_items_of_another_scheme(tmp_path):
    ontology = ontology_file(tmp_path)
    catalog = write_csv(tmp_path / "catalog.csv", ROWS)
    run(catalog, tmp_path / "classes.jsonl", ontology, scheme="UNSPSC")
    assert essentials(read_output(tmp_path / "classes.jsonl")) == expected(ROWS, HEADERS, scheme="UNSPSC")
    run(catalog, tmp_path / "items.jsonl", ontology, kind="item")
    codes = {c["code"] for r in read_output(tmp_path / "items.jsonl") for c in r["candidates"]}
    assert codes and all(code.count("-") == 2 for code in codes)  # standard item codes: class-check-serial


def test_a_row_the_matcher_fails_on_is_an_error_and_the_others_are_matched(tmp_path, monkeypatch):
    from bulk import chunk_matcher
    from matchers import matcher

    read, reference = matcher.read_record, expected(ROWS)

    def failing(record):
        if isinstance(record, dict) and record.get("name") == "合页":
            raise ValueError("no hinges today")
        return read(record)

    monkeypatch.setattr(chunk_matcher, "read_record", failing)  # the chunk's reading, in one batch
    monkeypatch.setattr(matcher, "read_record", failing)  # then each row's, one by one
    ontology = ontology_file(tmp_path)
    catalog = write_csv(tmp_path / "catalog.csv", ROWS)
    run(catalog, tmp_path / "out.csv", ontology)
    rows = read_output(tmp_path / "out.csv")
    assert [r["row"] for r in rows] == list(range(2, len(ROWS) + 2))
    assert rows[3]["status"] == "error" and rows[3]["reason"] == "matching failed: ValueError: no hinges today"
    assert essentials(rows[:3] + rows[4:]) == reference[:3] + reference[4:]
