"""Decompression bombs (issue 14, item 4): an XLSX workbook is checked as a zip container before a
reader unpacks it, its cells are counted while they are read, and the service reads workbooks in
the job runner, not in the request that submits them. Real files, the real CLI and service."""

from __future__ import annotations

import time
import zipfile
from dataclasses import replace
from pathlib import Path

import httpx2 as httpx
import pytest
from openpyxl import Workbook

from bulk.readers import open_source
from common.errors import LimitExceeded
from ontology.apikeys import create_key
from ontology.connection import Connection
from ontology.schema import apply_schema
from ontology.store import Store
from service.app import create_app
from service.cli.main import main
from service.jobs.runner import JobsConfig
from tests.bulk_support import ontology_file
from tests.live_server import serving


def workbook(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def bomb(path: Path, unpacked_mb: int = 100) -> Path:
    """A workbook of a few hundred kilobytes whose shared strings unpack to `unpacked_mb` MB."""
    plain = workbook(path.with_suffix(".plain.xlsx"), [["品名", "规格"], ["六角螺栓", "M8x30"]])
    entry = "<si><t>不锈钢六角螺栓 M8x30 镀锌</t></si>".encode() * 2000
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "xl/sharedStrings.xml":
                target.writestr(item, source.read(item))
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            strings.write(
                b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            strings.write(b"<si><t>\xe5\x93\x81\xe5\x90\x8d</t></si><si><t>\xe8\xa7\x84\xe6\xa0\xbc</t></si>")
            for _ in range(unpacked_mb * (1 << 20) // len(entry)):
                strings.write(entry)
            strings.write(b"</sst>")
    return path


def test_cpms_match_refuses_a_decompression_bomb(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    catalog = bomb(tmp_path / "catalog.xlsx")
    assert catalog.stat().st_size < 1 << 20
    code = main(["match", str(catalog), "--ontology", str(ontology_file(tmp_path)), "--workers", "0"])
    error = capsys.readouterr().err
    assert code == 1 and "catalog.xlsx" in error and "decompression bomb" in error and "unpacks to" in error


def test_the_cells_read_from_a_workbook_are_bounded(tmp_path: Path) -> None:
    catalog = workbook(tmp_path / "catalog.xlsx", [["品名", "规格", "材质"], *[["螺栓", "M8", "304"]] * 30])
    over = pytest.raises(LimitExceeded, match="row 21: the sheet has over 60 cells")
    with open_source(catalog, max_cells=60) as source, over as raised:  # the header and 19 rows
        list(source.rows)
    assert raised.value.details == {"field": "file", "limit": 60}
    with open_source(catalog) as source:
        assert len(list(source.rows)) == 30


@pytest.fixture
def integrator(store: Store) -> str:
    apply_schema(store)
    return create_key(store, "test integrator", "integrator")[1]


def test_the_service_refuses_a_bomb_and_reads_workbooks_in_the_job(
    tmp_path: Path, connection: Connection, integrator: str
) -> None:
    root = tmp_path / "jobs"
    app = create_app(
        connection, jobs=replace(JobsConfig.from_settings(), root=root, workers=0, snapshot=ontology_file(tmp_path))
    )
    with serving(app) as url:
        headers = {"authorization": f"Bearer {integrator}"}

        def submit(path: Path) -> httpx.Response:
            with path.open("rb") as file:
                return httpx.post(f"{url}/jobs", headers=headers, files={"file": (path.name, file)}, timeout=60)

        refused = submit(bomb(tmp_path / "bomb.xlsx"))
        assert refused.status_code == 400
        assert refused.json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
        assert "decompression bomb" in refused.json()["errors"][0]["message"]
        assert not [p for p in root.iterdir() if p.is_dir()], "nothing of the refused upload is kept"

        # a workbook is opened by the job, not by the request: a missing name column fails the job
        nameless = submit(workbook(tmp_path / "nameless.xlsx", [["货号", "单价"], ["A1", "1.5"]]))
        assert nameless.status_code == 201
        job_url = f"{url}/jobs/{nameless.json()['id']}"
        deadline = time.monotonic() + 120
        while (job := httpx.get(job_url, headers=headers).json())["state"] not in ("done", "failed"):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert job["state"] == "failed" and "no product name column" in job["error"]
