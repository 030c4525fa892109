"""`cpms match`: output, summary, progress bar, file errors, reproducing a run from its saved
settings, and matching against the live store."""

from __future__ import annotations

import io
import sys

import pytest

from bulk import Progress
from ontology.connection import Connection
from ontology.importing import import_bundle
from ontology.schema import apply_schema
from ontology.store import Store
from service.cli.main import main
from service.cli.progress_bar import ProgressBar
from tests.bulk_support import ROWS, essentials, expected, ontology_file, read_output, write_csv
from tests.matcher_bundles import CPMS


def test_match_writes_the_output_and_prints_a_summary(tmp_path, capsys):
    ontology = ontology_file(tmp_path)
    catalog = write_csv(tmp_path / "catalog.csv", ROWS, encoding="gb18030")
    assert main(["match", str(catalog), "--ontology", str(ontology), "--workers", "0"]) == 0
    output = tmp_path / "catalog.csv.matched.csv"
    assert essentials(read_output(output)) == expected(ROWS)
    summary = capsys.readouterr().out
    assert summary.startswith(f"{len(ROWS)} rows of catalog.csv (csv, gb18030) in ")
    assert "rows/s" in summary and "matched" in summary and "no_match" in summary
    assert f"written to {output} (settings in catalog.csv.matched.csv.settings.json)" in summary


def test_a_run_is_reproduced_from_its_saved_settings(tmp_path):
    ontology = ontology_file(tmp_path)
    catalog = write_csv(tmp_path / "catalog.csv", ROWS)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    options = ["--ontology", str(ontology), "--workers", "0", "--quiet"]
    assert main(["match", str(catalog), "-o", str(first), "--limit", "1", "--column", "material=", *options]) == 0
    assert main(["match", str(catalog), "-o", str(second), "--settings", f"{first}.settings.json", *options]) == 0
    assert read_output(second) == read_output(first)
    assert all(len(r["candidates"]) <= 1 for r in read_output(first))


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        ("货号,单价\nA1,1.5\n", [], "no product name column among the headers 货号, 单价"),
        ("", [], "the file is empty"),
        ("品名\n螺栓\n", ["--scheme", "GPC"], "has no scheme 'GPC' (have: CPMS, UNSPSC)"),
        ("品名\n螺栓\n", ["--engine", "dask", "--encoding", "nope"], "invalid settings: encoding"),
        ("品名\n螺栓\n", ["-o", "out.xls"], "write .csv, .xlsx, .jsonl or .parquet"),
    ],
)
def test_file_and_setting_errors_are_clear(tmp_path, capsys, content, options, message):
    ontology = ontology_file(tmp_path)
    catalog = tmp_path / "catalog.csv"
    catalog.write_text(content, encoding="utf-8")
    assert main(["match", str(catalog), "--ontology", str(ontology), "--workers", "0", *options]) == 2
    assert message in capsys.readouterr().err


def test_the_dask_engine_without_dask_installed_says_how_to_install_it(tmp_path, capsys, monkeypatch):
    ontology = ontology_file(tmp_path)
    catalog = write_csv(tmp_path / "catalog.csv", ROWS)
    monkeypatch.setitem(sys.modules, "distributed", None)  # what `import distributed` meets when it is not installed
    monkeypatch.delitem(sys.modules, "bulk.dask_executor", raising=False)
    output = tmp_path / "out.csv"
    options = ["--engine", "dask", "--scheduler", "tcp://127.0.0.1:1", "--ontology", str(ontology)]
    assert main(["match", str(catalog), "-o", str(output), *options]) == 2
    assert 'pip install "cpms[dask]"' in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog.csv", ontology.name]  # nothing written


def test_the_progress_bar_shows_rows_per_second_and_time_left():
    stream = io.StringIO()
    bar = ProgressBar(stream, every_seconds=0)
    bar(Progress(rows=25_000, fraction=0.25, rows_per_second=12_500.0, eta_seconds=6.0, counts={}))
    bar.close()
    assert stream.getvalue() == f"\r 25% |{'#' * 7}{' ' * 23}| 25,000 rows  12,500 rows/s  ETA 0:00:06 \n"


def test_match_against_the_live_store(tmp_path, monkeypatch, connection: Connection, store: Store, capsys):
    apply_schema(store)
    import_bundle(store, CPMS, actor="test", reason="bulk matching fixture")
    for name, value in (("NEO4J_URI", connection.uri), ("NEO4J_USER", connection.user),
                        ("NEO4J_PASSWORD", connection.password or "")):  # fmt: skip
        monkeypatch.setenv(name, value)
    catalog = write_csv(tmp_path / "catalog.csv", ROWS)
    output = tmp_path / "out.jsonl"
    assert main(["match", str(catalog), "-o", str(output), "--workers", "0", "--quiet"]) == 0
    assert [r["row"] for r in read_output(output)] == list(range(2, len(ROWS) + 2))
    assert main(["match", str(catalog), "--scheme", "HS", "--workers", "0"]) == 2
    assert "the store has no scheme 'HS' (have: CPMS)" in capsys.readouterr().err
