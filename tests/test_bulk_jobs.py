"""Bulk jobs through the real ASGI app: upload (multipart, raw body, GraphQL multipart to /graphql), poll,
cancel, download; limits and bad input as clear errors; a restarted service resumes its job."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from ontology.apikeys import create_key
from ontology.connection import Connection
from ontology.schema import apply_schema
from ontology.store import Store
from service.app import create_app
from service.jobs.runner import JobsConfig
from tests.bulk_support import ROWS, catalog_rows, essentials, expected, ontology_file, read_output, run, write_csv
from tests.graphql_support import app_state

FINISHED = {"done", "failed", "cancelled"}


@pytest.fixture
def keys(store: Store) -> dict[str, str]:
    apply_schema(store)
    return {role: create_key(store, f"test {role}", role)[1] for role in ("reader", "integrator")}


@contextmanager
def jobs_app(connection: Connection, root: Path, ontology: Path, **config: Any) -> Iterator[TestClient]:
    app = create_app(
        connection, jobs=replace(JobsConfig.from_settings(), root=root, workers=0, snapshot=ontology, **config)
    )
    with TestClient(app) as client:
        yield client


def auth(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


def wait(client: TestClient, key: str, job_id: str, until=lambda job: job["state"] in FINISHED) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while True:
        job = client.get(f"/jobs/{job_id}", headers=auth(key)).json()
        if until(job):
            return job
        assert time.monotonic() < deadline, f"job {job_id} is still {job['state']} after 120 s"
        time.sleep(0.02)


def submit(client: TestClient, key: str, path: Path, **fields: Any):
    with path.open("rb") as file:
        return client.post("/jobs", headers=auth(key), files={"file": (path.name, file)}, data=fields)


def test_a_job_from_upload_to_download(tmp_path, connection, keys):
    ontology = ontology_file(tmp_path)
    catalog = write_csv(tmp_path / "目录.csv", ROWS, encoding="gbk")
    with jobs_app(connection, tmp_path / "jobs", ontology) as client:
        response = submit(client, keys["integrator"], catalog, format="jsonl", column=["brand=", "name=品名"])
        assert response.status_code == 201, response.text
        job = response.json()
        assert (job["state"], job["filename"], job["owner"]) == ("queued", "目录.csv", "test integrator")
        assert response.headers["location"] == f"/jobs/{job['id']}"
        assert job["settings"]["columns"] == {"brand": None, "name": "品名"}

        done = wait(client, keys["integrator"], job["id"])
        assert done["state"] == "done", done
        assert (done["rows"], sum(done["counts"].values()), done["progress"]) == (len(ROWS), len(ROWS), 1.0)
        assert done["result_url"] == f"/jobs/{job['id']}/result"

        result = client.get(done["result_url"], headers=auth(keys["integrator"]))
        assert result.status_code == 200
        assert "matched.jsonl" in result.headers["content-disposition"]
        (tmp_path / "result.jsonl").write_bytes(result.content)
        assert [r["row"] for r in read_output(tmp_path / "result.jsonl")] == list(range(2, len(ROWS) + 2))
        listed = client.get("/jobs", headers=auth(keys["integrator"])).json()["jobs"]
        assert [j["id"] for j in listed] == [job["id"]]


def test_a_raw_upload_with_options_in_the_query(tmp_path, connection, keys):
    ontology = ontology_file(tmp_path)
    data = write_csv(tmp_path / "c.csv", ROWS).read_bytes()
    with jobs_app(connection, tmp_path / "jobs", ontology) as client:
        response = client.post(
            "/jobs?filename=catalog.csv&format=xlsx&limit=2", headers=auth(keys["integrator"]), content=data
        )
        assert response.status_code == 201, response.text
        job = wait(client, keys["integrator"], response.json()["id"])
        result = client.get(job["result_url"], headers=auth(keys["integrator"]))
        (tmp_path / "result.xlsx").write_bytes(result.content)
        rows = read_output(tmp_path / "result.xlsx")
        assert essentials(rows) == expected(ROWS)
        assert all(len(r["candidates"]) <= 2 for r in rows)


def test_bad_requests_get_clear_errors_and_leave_no_job(tmp_path, connection, keys):
    ontology = ontology_file(tmp_path)
    catalog = write_csv(tmp_path / "c.csv", ROWS)
    no_name = write_csv(tmp_path / "prices.csv", [["A1", "1.5"]], headers=["货号", "单价"])
    big = write_csv(tmp_path / "big.csv", catalog_rows(3000))
    key = keys["integrator"]
    with jobs_app(connection, tmp_path / "jobs", ontology, max_upload_bytes=50_000) as client:

        def error(response) -> tuple[int, str, str]:
            body = response.json()["errors"][0]
            return response.status_code, body["extensions"]["code"], body["message"]

        assert error(client.post("/jobs", content=b"x"))[:2] == (401, "UNAUTHENTICATED")
        assert error(submit(client, keys["reader"], catalog))[:2] == (403, "FORBIDDEN")
        status, code, message = error(submit(client, key, big))
        assert (status, code) == (413, "LIMIT_EXCEEDED") and "50,000 bytes (CPMS_MAX_UPLOAD_BYTES)" in message
        status, code, message = error(submit(client, key, no_name))
        assert (status, code) == (400, "INVALID_INPUT") and "no product name column" in message
        status, code, message = error(submit(client, key, catalog, kind="classes", chunk_size="0"))
        assert (status, code) == (400, "INVALID_SETTING") and "kind" in message and "chunk_size" in message
        assert error(client.post("/jobs", headers=auth(key), content=b"a,b"))[:2] == (400, "INVALID_INPUT")
        assert error(client.get("/jobs/0123abc", headers=auth(key)))[:2] == (404, "NOT_FOUND")
        assert error(client.get("/jobs/..etc", headers=auth(key)))[:2] == (404, "NOT_FOUND")
        assert client.get("/jobs", headers=auth(key)).json() == {"jobs": []}
    assert [p for p in (tmp_path / "jobs").iterdir() if p.is_dir()] == [], "no job folder is left"


def test_cancelling_jobs(tmp_path, connection, keys):
    ontology = ontology_file(tmp_path)
    big = write_csv(tmp_path / "big.csv", catalog_rows(6000))
    small = write_csv(tmp_path / "small.csv", ROWS)
    key = keys["integrator"]
    with jobs_app(connection, tmp_path / "jobs", ontology) as client:
        running = submit(client, key, big, chunk_size="10").json()
        queued = submit(client, key, small).json()
        wait(client, key, running["id"], until=lambda job: job["rows"] > 0)
        for job in (queued, running):
            response = client.post(f"/jobs/{job['id']}/cancel", headers=auth(key))
            assert response.status_code == 200 and response.json()["state"] in ("cancelled", "running")
        assert wait(client, key, running["id"])["state"] == "cancelled"
        assert wait(client, key, queued["id"])["state"] == "cancelled"
        conflict = client.get(f"/jobs/{queued['id']}/result", headers=auth(key))
        assert (conflict.status_code, conflict.json()["errors"][0]["extensions"]["code"]) == (409, "CONFLICT")
        assert client.post(f"/jobs/{queued['id']}/cancel", headers=auth(key)).status_code == 409


def test_a_restarted_service_resumes_its_job(tmp_path, connection, keys):
    ontology = ontology_file(tmp_path)
    rows = catalog_rows(6000)
    catalog = write_csv(tmp_path / "catalog.csv", rows)
    run(catalog, tmp_path / "reference.jsonl", ontology)
    key = keys["integrator"]
    with jobs_app(connection, tmp_path / "jobs", ontology) as client:
        job = submit(client, key, catalog, format="jsonl", chunk_size="10").json()
        wait(client, key, job["id"], until=lambda j: j["rows"] > 0)
    stored = json.loads((tmp_path / "jobs" / job["id"] / "job.json").read_text(encoding="utf-8"))
    assert stored["state"] == "running" and 0 < stored["rows"] < len(rows), "stopped in the middle"

    with jobs_app(connection, tmp_path / "jobs", ontology) as client:
        done = wait(client, key, job["id"])
        assert done["state"] == "done" and done["rows"] == len(rows)
        result = client.get(done["result_url"], headers=auth(key))
    (tmp_path / "result.jsonl").write_bytes(result.content)
    assert read_output(tmp_path / "result.jsonl") == read_output(tmp_path / "reference.jsonl")


SUBMIT = """mutation($file: Upload!) {
  submitMatchJob(file: $file, outputFormat: "csv", columns: ["name=品名"]) {
    ok userErrors { code message } job { id state filename owner }
  }
}"""
POLL = "query($id: ID!) { job(id: $id) { state rows counts { status count } resultUrl } }"
CANCEL = "mutation($id: ID!) { cancelJob(id: $id) { ok userErrors { code message } job { state } } }"


def test_a_job_through_a_graphql_multipart_request(tmp_path, connection, keys):
    ontology = ontology_file(tmp_path)
    catalog = write_csv(tmp_path / "catalog.csv", ROWS).read_bytes()
    key = keys["integrator"]
    with jobs_app(connection, tmp_path / "jobs", ontology) as client:
        operations = json.dumps({"query": SUBMIT, "variables": {"file": None}})
        response = client.post(
            "/graphql",
            headers=auth(key),
            data={"operations": operations, "map": json.dumps({"0": ["variables.file"]})},
            files={"0": ("catalog.csv", io.BytesIO(catalog), "text/csv")},
        )
        payload = response.json()
        assert "errors" not in payload, payload
        submitted = payload["data"]["submitMatchJob"]
        assert submitted["ok"] and submitted["job"]["filename"] == "catalog.csv"
        assert submitted["job"]["owner"] == "test integrator"
        job_id = submitted["job"]["id"]
        wait(client, key, job_id)

        def graphql(query: str, **variables: Any) -> dict[str, Any]:
            body = {"query": query, "variables": variables}
            return client.post("/graphql", headers=auth(key), json=body).json()

        polled = graphql(POLL, id=job_id)["data"]["job"]
        assert polled["state"] == "done" and polled["rows"] == len(ROWS)
        assert sum(c["count"] for c in polled["counts"]) == len(ROWS)
        assert polled["resultUrl"] == f"/jobs/{job_id}/result"
        cancelled = graphql(CANCEL, id=job_id)["data"]["cancelJob"]
        assert not cancelled["ok"] and cancelled["userErrors"][0]["code"] == "CONFLICT"


def test_with_several_server_processes_one_runs_the_jobs(tmp_path, connection, keys):
    """Two apps over one jobs folder, as `cpms serve --workers 2` has: an upload taken by the one
    that does not run jobs is run by the one that does."""
    ontology = ontology_file(tmp_path)
    catalog = write_csv(tmp_path / "catalog.csv", ROWS)
    key = keys["integrator"]
    with (
        jobs_app(connection, tmp_path / "jobs", ontology) as runner,
        jobs_app(connection, tmp_path / "jobs", ontology) as other,
    ):
        assert app_state(runner).jobs._runner_lock is not None
        assert app_state(other).jobs._runner_lock is None
        job = submit(other, key, catalog).json()
        assert wait(other, key, job["id"])["state"] == "done"
        assert wait(runner, key, job["id"])["rows"] == len(ROWS)


def test_jobs_are_seen_by_their_owner_and_admins_only(tmp_path, connection, store, keys):
    ontology = ontology_file(tmp_path)
    catalog = write_csv(tmp_path / "catalog.csv", ROWS)
    other = create_key(store, "another integrator", "integrator")[1]
    editor = create_key(store, "an editor", "editor")[1]
    admin = create_key(store, "an admin", "admin")[1]
    with jobs_app(connection, tmp_path / "jobs", ontology) as client:
        job = submit(client, keys["integrator"], catalog).json()
        wait(client, keys["integrator"], job["id"])
        assert client.get(f"/jobs/{job['id']}", headers=auth(other)).status_code == 404
        assert client.get(f"/jobs/{job['id']}/result", headers=auth(other)).status_code == 404
        assert client.post(f"/jobs/{job['id']}/cancel", headers=auth(other)).status_code == 404
        assert client.get("/jobs", headers=auth(other)).json() == {"jobs": []}
        assert client.get("/jobs", headers=auth(editor)).json() == {"jobs": []}, "editors curate, admins administer"
        assert [j["id"] for j in client.get("/jobs", headers=auth(admin)).json()["jobs"]] == [job["id"]]
        assert client.get(f"/jobs/{job['id']}/result", headers=auth(keys["integrator"])).status_code == 200
