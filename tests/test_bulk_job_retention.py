"""Deleting jobs: on request (HTTP and GraphQL, their files with them, not while they run) and by
retention, `CPMS_JOB_RETENTION_DAYS` after they finished."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from service.jobs.runner import JobsConfig
from service.jobs.store import JobState
from tests.bulk_support import ROWS, catalog_rows, ontology_file, write_csv
from tests.graphql_support import app_state
from tests.test_bulk_jobs import auth, jobs_app, keys, submit, wait

__all__ = ["keys"]  # the fixture, for pytest

DELETE = "mutation($id: ID!) { deleteJob(id: $id) { ok id userErrors { code message } } }"


def test_a_finished_job_is_deleted_with_its_files(tmp_path, connection, keys):
    ontology = ontology_file(tmp_path)
    catalog = write_csv(tmp_path / "catalog.csv", ROWS)
    key = keys["integrator"]
    with jobs_app(connection, tmp_path / "jobs", ontology) as client:
        job = wait(client, key, submit(client, key, catalog).json()["id"])
        assert job["state"] == "done" and (tmp_path / "jobs" / job["id"] / "result.csv").is_file()

        assert client.delete(f"/jobs/{job['id']}", headers=auth(keys["reader"])).status_code == 403
        response = client.delete(f"/jobs/{job['id']}", headers=auth(key))
        assert (response.status_code, response.json()) == (200, {"deleted": job["id"]})
        assert not (tmp_path / "jobs" / job["id"]).exists()
        assert not any((tmp_path / "jobs" / ".deleted").iterdir())
        assert client.get(f"/jobs/{job['id']}", headers=auth(key)).status_code == 404
        assert client.get(f"/jobs/{job['id']}/result", headers=auth(key)).status_code == 404
        assert client.delete(f"/jobs/{job['id']}", headers=auth(key)).status_code == 404
        assert client.get("/jobs", headers=auth(key)).json() == {"jobs": []}

        other = wait(client, key, submit(client, key, catalog).json()["id"])
        body = {"query": DELETE, "variables": {"id": other["id"]}}
        deleted = client.post("/graphql", headers=auth(key), json=body).json()["data"]["deleteJob"]
        assert deleted == {"ok": True, "id": other["id"], "userErrors": []}
        assert not (tmp_path / "jobs" / other["id"]).exists()


def test_a_running_job_is_not_deleted(tmp_path, connection, keys):
    ontology = ontology_file(tmp_path)
    catalog = write_csv(tmp_path / "catalog.csv", catalog_rows(6000))
    key = keys["integrator"]
    with jobs_app(connection, tmp_path / "jobs", ontology) as client:
        job = submit(client, key, catalog, chunk_size="10").json()
        wait(client, key, job["id"], until=lambda j: j["rows"] > 0)
        response = client.delete(f"/jobs/{job['id']}", headers=auth(key))
        assert (response.status_code, response.json()["errors"][0]["extensions"]["code"]) == (409, "CONFLICT")
        assert "cancel it" in response.json()["errors"][0]["message"]
        client.post(f"/jobs/{job['id']}/cancel", headers=auth(key))
        assert wait(client, key, job["id"])["state"] == "cancelled"
        assert client.delete(f"/jobs/{job['id']}", headers=auth(key)).status_code == 200
        assert not (tmp_path / "jobs" / job["id"]).exists()


def test_finished_jobs_are_deleted_when_their_retention_ends(tmp_path, connection, keys):
    ontology = ontology_file(tmp_path)
    catalog = write_csv(tmp_path / "catalog.csv", ROWS)
    key = keys["integrator"]
    with jobs_app(connection, tmp_path / "jobs", ontology, retention_days=2) as client:
        jobs = app_state(client).jobs
        done = wait(client, key, submit(client, key, catalog).json()["id"])
        finished = datetime.fromisoformat(done["finished_at"])
        assert datetime.fromisoformat(done["expires_at"]) == finished + timedelta(days=2)
        with catalog.open("rb") as file:
            running = jobs.store.create(file, "later.csv", jobs.get(done["id"]).settings)
        jobs.store.update(running.id, state=JobState.running)  # as if the runner held it: it never expires

        assert jobs.sweep(finished + timedelta(days=1)) == []
        assert jobs.sweep(finished + timedelta(days=2, seconds=1)) == [done["id"]]
        assert not (tmp_path / "jobs" / done["id"]).exists()
        assert [j.id for j in jobs.all()] == [running.id]
        assert jobs.view(jobs.get(running.id))["expires_at"] is None


def test_retention_zero_keeps_jobs(tmp_path, connection, keys):
    ontology = ontology_file(tmp_path)
    catalog = write_csv(tmp_path / "catalog.csv", ROWS)
    key = keys["integrator"]
    with jobs_app(connection, tmp_path / "jobs", ontology, retention_days=0) as client:
        done = wait(client, key, submit(client, key, catalog).json()["id"])
        assert done["expires_at"] is None
        assert app_state(client).jobs.sweep(datetime.fromisoformat(done["finished_at"]) + timedelta(days=10_000)) == []
        assert (tmp_path / "jobs" / done["id"] / "result.csv").is_file()


def test_retention_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CPMS_JOB_RETENTION_DAYS", raising=False)
    assert JobsConfig.from_settings().retention_days == 7
    monkeypatch.setenv("CPMS_JOB_RETENTION_DAYS", "0.5")
    assert JobsConfig.from_settings().retention_days == 0.5
