"""Every job option, the file's name and its content are checked before a job exists: a refused
submission answers a named error in the JSON shape and leaves nothing on disk."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from ontology.apikeys import create_key
from ontology.schema import apply_schema
from ontology.store import Store
from tests.bulk_support import ROWS, ontology_file, write_csv
from tests.http_support import assert_error_shape
from tests.test_bulk_jobs import auth, jobs_app, wait


@pytest.fixture
def integrator(store: Store) -> str:
    apply_schema(store)
    return create_key(store, "test integrator", "integrator")[1]


def left_on_disk(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name not in ("jobs.lock", "runner.lock", ".deleted"))


@pytest.mark.parametrize(
    ("fields", "filename", "field", "words"),
    [
        ({"encoding": "rot13"}, "catalog.csv", "encoding", "not a text encoding"),
        ({"encoding": "zlib_codec"}, "catalog.csv", "encoding", "not a text encoding"),
        ({"encoding": "no-such-codec"}, "catalog.csv", "encoding", "unknown encoding"),
        ({}, "x" * 296 + ".csv", "filename", "255"),
        ({}, "catalog." + "x" * 300, "filename", "255"),
        ({"scheme": "NOPE"}, "catalog.csv", "scheme", "NOPE"),
        ({"limit": "many"}, "catalog.csv", "limit", "limit"),
        ({"chunk_size": "0"}, "catalog.csv", "chunk_size", "chunk_size"),
        ({"format": "pdf"}, "catalog.csv", "output_format", "output_format"),
        ({"column": "colour=颜色"}, "catalog.csv", "columns", "colour"),
        ({"sheet": "Sheet9"}, "catalog.csv", None, None),
    ],
)
def test_refused_options_leave_nothing(tmp_path, connection, integrator, fields, filename, field, words) -> None:
    catalog = write_csv(tmp_path / "catalog.csv", ROWS).read_bytes()
    root = tmp_path / "jobs"
    with jobs_app(connection, root, ontology_file(tmp_path)) as client:
        files = {"file": (filename, io.BytesIO(catalog))}
        response = client.post("/jobs", headers=auth(integrator), files=files, data=fields)
        if field is None:  # an option for another format is ignored, as documented
            assert response.status_code == 201, response.text
            assert wait(client, integrator, response.json()["id"])["state"] == "done"
            return
        # a bad job setting is INVALID_SETTING, a kind of INVALID_INPUT (docs/api.md)
        code = "INVALID_INPUT" if field in ("filename", "scheme") else "INVALID_SETTING"
        error = assert_error_shape(response, 400, code)
        assert words in error["message"], error
        assert field in error["message"] or error["extensions"].get("field") == field, error
        assert left_on_disk(root) == [], "a refused submission leaves nothing behind"
        assert client.get("/jobs", headers=auth(integrator)).json() == {"jobs": []}


def test_a_bad_file_leaves_nothing(tmp_path, connection, integrator) -> None:
    root = tmp_path / "jobs"
    with jobs_app(connection, root, ontology_file(tmp_path)) as client:
        files = {"file": ("catalog.csv", io.BytesIO("颜色,价格\n红,1\n".encode()))}
        assert_error_shape(client.post("/jobs", headers=auth(integrator), files=files), 400, "INVALID_INPUT")
        assert left_on_disk(root) == []


def test_graphql_submission_is_checked_the_same(tmp_path, connection, integrator) -> None:
    catalog = write_csv(tmp_path / "catalog.csv", ROWS).read_bytes()
    root = tmp_path / "jobs"
    query = """mutation($file: Upload!) { submitMatchJob(file: $file, encoding: "rot13") {
        ok userErrors { field code message } job { id } } }"""
    operations = json.dumps({"query": query, "variables": {"file": None}})
    with jobs_app(connection, root, ontology_file(tmp_path)) as client:
        response = client.post(
            "/graphql",
            headers=auth(integrator),
            data={"operations": operations, "map": json.dumps({"0": ["variables.file"]})},
            files={"0": ("catalog.csv", io.BytesIO(catalog))},
        )
        payload = response.json()["data"]["submitMatchJob"]
        assert payload["ok"] is False and payload["userErrors"][0]["code"] == "INVALID_SETTING"
        assert "not a text encoding" in payload["userErrors"][0]["message"]
        assert left_on_disk(root) == []
