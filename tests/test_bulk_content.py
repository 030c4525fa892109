"""Catalog files as users send them, through /jobs: a workbook by any name, repeated headers, and
stray NUL bytes, each read the way a person reading the file would expect."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook

from ontology.apikeys import create_key
from ontology.schema import apply_schema
from ontology.store import Store
from tests.bulk_support import HEADERS, ROWS, ontology_file, read_output, write_csv
from tests.test_bulk_jobs import auth, jobs_app, wait


@pytest.fixture
def integrator(store: Store) -> str:
    apply_schema(store)
    return create_key(store, "test integrator", "integrator")[1]


def run_job(client, key: str, filename: str, content: bytes, tmp_path, **fields) -> tuple[dict, bytes]:
    response = client.post("/jobs", headers=auth(key), files={"file": (filename, io.BytesIO(content))}, data=fields)
    assert response.status_code == 201, response.text
    job = wait(client, key, response.json()["id"])
    assert job["state"] == "done", job
    result = client.get(job["result_url"], headers=auth(key)).content
    return job, result


def test_a_workbook_named_csv_is_read_as_a_workbook(tmp_path, connection, integrator) -> None:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(HEADERS)
    for row in ROWS:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with jobs_app(connection, tmp_path / "jobs", ontology_file(tmp_path)) as client:
        job, result = run_job(client, integrator, "catalog.csv", buffer.getvalue(), tmp_path)
    assert job["rows"] == len(ROWS) and job["counts"].get("error", 0) == 0, job
    (tmp_path / "out.csv").write_bytes(result)
    inputs = [r["input"] for r in read_output(tmp_path / "out.csv")]
    assert len(inputs) == len(ROWS) and all(text.startswith(row[1]) for text, row in zip(inputs, ROWS, strict=True))


def test_repeated_headers_keep_both_columns(tmp_path, connection, integrator) -> None:
    catalog = write_csv(tmp_path / "dup.csv", [["六角", "螺栓", "M8*30"]], headers=["品名", "品名", "规格型号"])
    with jobs_app(connection, tmp_path / "jobs", ontology_file(tmp_path)) as client:
        _, result = run_job(client, integrator, "dup.csv", catalog.read_bytes(), tmp_path)
    (tmp_path / "out.csv").write_bytes(result)
    [row] = read_output(tmp_path / "out.csv")
    assert "六角" in row["input"] and "螺栓" in row["input"], row


def test_a_nul_byte_does_not_reach_the_csv_output(tmp_path, connection, integrator) -> None:
    rows = [[sku, name + "\x00", spec, material, brand, unit] for sku, name, spec, material, brand, unit in ROWS]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    with jobs_app(connection, tmp_path / "jobs", ontology_file(tmp_path)) as client:
        job, result = run_job(client, integrator, "nul.csv", buffer.getvalue().encode(), tmp_path)
    assert job["rows"] == len(ROWS)
    assert b"\x00" not in result
    assert "\ufffd" in result.decode("utf-8-sig"), "the NUL is shown, not silently dropped"
