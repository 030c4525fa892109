"""The state folder is the service user's alone: uploaded catalogs, job folders, and the local
Neo4j's data, logs and password."""

from __future__ import annotations

import stat
from pathlib import Path

from ontology.apikeys import create_key
from ontology.schema import apply_schema
from ontology.server.config import write_config
from tests.bulk_support import ROWS, ontology_file, write_csv
from tests.conftest import server_settings
from tests.test_bulk_jobs import jobs_app, submit, wait


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_job_folders_and_uploads_are_private(tmp_path, connection, store) -> None:
    apply_schema(store)
    key = create_key(store, "test integrator", "integrator")[1]
    root = tmp_path / "jobs"
    root.mkdir(mode=0o755)
    root.chmod(0o755)  # as an older version left it
    with jobs_app(connection, root, ontology_file(tmp_path)) as client:
        response = submit(client, key, write_csv(tmp_path / "catalog.csv", ROWS))
        assert response.status_code == 201, response.text
        job = wait(client, key, response.json()["id"])
        assert job["state"] == "done"
    folder = root / job["id"]
    assert mode(root) == 0o700
    assert mode(folder) == 0o700
    assert mode(folder / "input.csv") == 0o600
    assert mode(folder / "job.json") == 0o600


def test_local_neo4j_folders_are_private(tmp_path) -> None:
    settings = server_settings(tmp_path / "neo4j")
    settings.data_dir.mkdir(parents=True, mode=0o755)
    settings.data_dir.chmod(0o755)
    write_config(settings)
    for folder in (settings.home, settings.data_dir, settings.logs_dir, settings.conf_dir, settings.run_dir):
        assert mode(folder) == 0o700, folder
