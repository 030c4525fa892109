"""Resuming: after a stop, a torn write, or kill -9 of a real `cpms match`, a `--resume` run
finishes the output with no row lost and none written twice."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bulk import BulkSettings, run_bulk
from bulk.journal import JOURNAL, SPOOL, run_folder
from bulk.snapshots import copy_scheme
from common.errors import InvalidInput
from tests.bulk_support import catalog_rows, ontology_file, read_output, run, write_csv

PROJECT = Path(__file__).resolve().parent.parent


def _stop_after(chunks: int):
    calls = iter(range(1, 10**9))
    return lambda: next(calls) >= chunks


def _settings(**values) -> BulkSettings:
    return BulkSettings(**{"workers": 0, "chunk_size": 7, **values})


def test_a_stopped_run_resumes_after_torn_writes(tmp_path):
    ontology = ontology_file(tmp_path)
    catalog = write_csv(tmp_path / "catalog.csv", catalog_rows(200))
    run(catalog, tmp_path / "reference.csv", ontology)
    output = tmp_path / "out.csv"

    def write_snapshot(target: Path) -> None:
        copy_scheme(ontology, "CPMS", target)

    stopped = run_bulk(catalog, output, _settings(), write_snapshot, should_stop=_stop_after(5))
    assert (stopped.complete, stopped.rows, output.exists()) == (False, 35, False)
    folder = run_folder(output)
    with (folder / SPOOL).open("ab") as spool:  # a chunk written but never committed
        spool.write(b'{"row": 999, "status": "matched"}\n{"row": 1000, "sta')
    with (folder / JOURNAL).open("ab") as journal:  # a commit cut in half
        journal.write(b'{"last_row": 9999, "rows": 9')

    resumed = run_bulk(catalog, output, _settings(), write_snapshot, resume=True)
    assert (resumed.complete, resumed.resumed_rows, resumed.rows) == (True, 35, 200)
    assert read_output(output) == read_output(tmp_path / "reference.csv")
    assert not folder.exists()


def test_a_resume_must_make_the_same_output(tmp_path):
    ontology = ontology_file(tmp_path)
    catalog = write_csv(tmp_path / "catalog.csv", catalog_rows(50))
    output = tmp_path / "out.csv"

    def write_snapshot(target: Path) -> None:
        copy_scheme(ontology, "CPMS", target)

    run_bulk(catalog, output, _settings(), write_snapshot, should_stop=_stop_after(1))
    with pytest.raises(InvalidInput, match="cannot resume: the settings differ"):
        run_bulk(catalog, output, _settings(scheme="UNSPSC"), write_snapshot, resume=True)
    summary = run_bulk(catalog, output, _settings(workers=2, chunk_size=5), write_snapshot, resume=True)
    assert (summary.resumed_rows, summary.rows) == (7, 50)


def test_resume_after_kill_9_of_cpms_match(tmp_path):
    ontology = ontology_file(tmp_path)
    rows = catalog_rows(6000)
    catalog = write_csv(tmp_path / "catalog.csv", rows)
    run(catalog, tmp_path / "reference.jsonl", ontology)
    output = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "service.cli.main", "match", str(catalog), "-o", str(output), "--ontology",
               str(ontology), "--workers", "1", "--chunk-size", "10"]  # fmt: skip
    journal = run_folder(output) / JOURNAL

    process = subprocess.Popen(command, cwd=PROJECT, start_new_session=True, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while _commits(journal) < 3:
            assert process.poll() is None, "cpms match ended before it was killed"
            assert time.monotonic() < deadline, "cpms match committed no chunk in 120 s"
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    finally:
        _kill_group(process)
    records = [json.loads(line) for line in journal.read_bytes().splitlines() if line.endswith(b"}")]
    assert not any(r.get("end") for r in records), "the run was killed before its end"
    assert not output.exists()

    resumed = subprocess.run([*command, "--resume"], cwd=PROJECT, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert "rows done before" in resumed.stdout
    produced = read_output(output)
    assert [r["row"] for r in produced] == list(range(2, len(rows) + 2))
    assert produced == read_output(tmp_path / "reference.jsonl")


def _commits(journal: Path) -> int:
    return journal.read_bytes().count(b'"last_row"') if journal.exists() else 0


def _kill_group(process: subprocess.Popen) -> None:
    """The pool's worker outlives a killed parent for up to a second; end it with the test."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def test_a_run_killed_after_its_spool_became_the_output_resumes(tmp_path, monkeypatch):
    from bulk import run as bulk_run

    ontology = ontology_file(tmp_path)
    catalog = write_csv(tmp_path / "catalog.csv", catalog_rows(30))
    run(catalog, tmp_path / "reference.csv", ontology)
    output = tmp_path / "out.csv"

    def killed(*args):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(bulk_run, "_record_settings", killed)
        with pytest.raises(KeyboardInterrupt):
            run(catalog, output, ontology)
    assert output.exists() and not (run_folder(output) / SPOOL).exists()
    summary = run_bulk(catalog, output, _settings(), lambda t: copy_scheme(ontology, "CPMS", t), resume=True)
    assert (summary.complete, summary.rows) == (True, 30) and not run_folder(output).exists()
    assert read_output(output) == read_output(tmp_path / "reference.csv")


def test_a_run_folder_of_an_older_version_is_not_resumed(tmp_path):
    ontology = ontology_file(tmp_path)
    catalog = write_csv(tmp_path / "catalog.csv", catalog_rows(10))
    output = tmp_path / "out.csv"
    folder = run_folder(output)
    folder.mkdir()
    (folder / JOURNAL).write_text('{"input": {}}\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match="made by an older version; run without --resume"):
        run_bulk(catalog, output, _settings(), lambda t: copy_scheme(ontology, "CPMS", t), resume=True)
