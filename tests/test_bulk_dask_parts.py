"""The Dask workers read their own parts of the input (byte ranges of text, row groups of Parquet):
the process running the job reads no row, and the output is the local engine's, row for row, even
where a part starts inside a quoted cell with line breaks; a stopped run resumes on either engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bulk import BulkSettings, Summary, partitions, run_bulk
from bulk.readers import Source
from bulk.snapshots import copy_scheme
from tests.bulk_support import HEADERS, catalog_rows, ontology_file, read_output, run, write_csv

distributed = pytest.importorskip("distributed")

TRICKY = (
    "货号,品名,规格型号,材质\r\n"
    'A1,六角螺栓,"M8*30\r\n镀锌",碳钢\r\n'
    "\r\n"
    'A2,"内六角\n螺丝",M10x40,304\n'
    "A3,活动扳手,8寸\n"  # ragged
    "A4,合页,4寸,不锈钢\r"  # a lone \r ends the line
    'A5,"六角\r\n\r\n螺母",Ｍ１２,\r\n'
    "\n\n"
    "A6,外六角全牙螺絲,M8X30,\n"
    'A7,"Hex bolt",M10*30,"8.8级\n\n\n"\n'
    "A8,螺母,M8,\n"
)


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as c:
        yield c


@pytest.fixture
def tiny_parts(monkeypatch):
    """Parts of a few rows: most begin inside a quoted cell, or on a blank line."""
    monkeypatch.setattr(partitions, "MIN_PART_BYTES", 1)


def _read_by_workers(monkeypatch, settings: BulkSettings, catalog: Path, output: Path, ontology: Path) -> Summary:
    """A Dask run during which this process reads no row."""

    def refuse(self):
        raise AssertionError("the submitting process read the rows")

    with monkeypatch.context() as patch:
        patch.setattr(Source, "rows", property(refuse))
        return run_bulk(catalog, output, settings, _write(ontology))


def _dask(cluster, **values) -> BulkSettings:
    return BulkSettings(**{"engine": "dask", "scheduler": cluster.scheduler_address, "chunk_size": 2, **values})


def _write(ontology: Path):
    return lambda target: copy_scheme(ontology, "CPMS", target)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_text_parts_give_the_local_output(tmp_path, cluster, tiny_parts, monkeypatch, encoding):
    ontology = ontology_file(tmp_path)
    catalog = tmp_path / "tricky.csv"
    catalog.write_bytes(TRICKY.replace("螺絲", "螺丝").encode(encoding))
    local = run(catalog, tmp_path / "local.jsonl", ontology)
    on_dask = _read_by_workers(monkeypatch, _dask(cluster), catalog, tmp_path / "dask.jsonl", ontology)
    rows = read_output(tmp_path / "dask.jsonl")
    assert rows == read_output(tmp_path / "local.jsonl")
    assert [r["row"] for r in rows] == [2, 5, 7, 8, 9, 14, 15, 19]
    assert rows[2]["reason"] == "ragged row: 3 cells, the header has 4"
    assert (on_dask.blank_rows, on_dask.counts) == (local.blank_rows, local.counts) and local.blank_rows == 3


def test_jsonl_and_parquet_parts_give_the_local_output(tmp_path, cluster, tiny_parts, monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq

    ontology = ontology_file(tmp_path)
    rows = catalog_rows(40)
    records = [dict(zip(HEADERS, row, strict=True)) for row in rows]
    jsonl = tmp_path / "catalog.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    lines[3], lines[9] = "not json", ""
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parquet = tmp_path / "catalog.parquet"
    pq.write_table(pa.Table.from_pylist(records), parquet, row_group_size=7)
    for catalog in (jsonl, parquet):
        run(catalog, tmp_path / "local.csv", ontology)
        _read_by_workers(monkeypatch, _dask(cluster), catalog, tmp_path / "dask.csv", ontology)
        assert read_output(tmp_path / "dask.csv") == read_output(tmp_path / "local.csv")


def _stop_after(pieces: int):
    calls = iter(range(1, 10**9))
    return lambda: next(calls) >= pieces


@pytest.mark.parametrize(("first", "then"), [("dask", "dask"), ("dask", "local"), ("local", "dask")])
def test_a_stopped_run_resumes_on_either_engine(tmp_path, cluster, tiny_parts, first, then):
    ontology = ontology_file(tmp_path)
    catalog = write_csv(tmp_path / "catalog.csv", [*catalog_rows(30), [""] * 6, *catalog_rows(20)])
    run(catalog, tmp_path / "reference.csv", ontology)
    engines = {"dask": _dask(cluster, chunk_size=4), "local": BulkSettings(workers=0, chunk_size=4)}
    output = tmp_path / "out.csv"
    stopped = run_bulk(catalog, output, engines[first], _write(ontology), should_stop=_stop_after(3))
    assert not stopped.complete and 0 < stopped.rows < 50
    resumed = run_bulk(catalog, output, engines[then], _write(ontology), resume=True)
    assert (resumed.complete, resumed.resumed_rows, resumed.rows, resumed.blank_rows) == (True, stopped.rows, 50, 1)
    assert read_output(output) == read_output(tmp_path / "reference.csv")


def test_xlsx_is_read_here_and_sent_in_chunks(tmp_path, cluster):
    from openpyxl import Workbook

    ontology = ontology_file(tmp_path)
    workbook = Workbook()
    workbook.worksheets[0].append(HEADERS)
    for row in catalog_rows(12):
        workbook.worksheets[0].append(row)
    workbook.save(tmp_path / "catalog.xlsx")
    run(tmp_path / "catalog.xlsx", tmp_path / "local.jsonl", ontology)
    run_bulk(tmp_path / "catalog.xlsx", tmp_path / "dask.jsonl", _dask(cluster), _write(ontology))
    assert read_output(tmp_path / "dask.jsonl") == read_output(tmp_path / "local.jsonl")
