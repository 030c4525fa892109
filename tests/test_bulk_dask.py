"""The Dask engine on a local Dask cluster (two worker processes) gives the local engine's output,
row for row."""

from __future__ import annotations

import pytest

from tests.bulk_support import catalog_rows, ontology_file, read_output, run, write_csv

distributed = pytest.importorskip("distributed")


def test_dask_output_equals_the_local_engines_row_for_row(tmp_path):
    ontology = ontology_file(tmp_path)
    catalog = write_csv(tmp_path / "catalog.csv", catalog_rows(500))
    local = run(catalog, tmp_path / "local.jsonl", ontology, workers=2, chunk_size=25)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        on_dask = run(catalog, tmp_path / "dask.jsonl", ontology, engine="dask", scheduler=cluster.scheduler_address,
                      chunk_size=25)  # fmt: skip
    assert read_output(tmp_path / "dask.jsonl") == read_output(tmp_path / "local.jsonl")
    assert on_dask.counts == local.counts and on_dask.rows == 500
