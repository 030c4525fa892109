"""An import with a badly encoded line names that line, through `cpms import` against the real
store: not the line where a fallback decoder gave up reading the file as another encoding."""

from __future__ import annotations

from pathlib import Path

import pytest

from ontology.connection import Connection
from ontology.csvfiles import write_csv_folder
from ontology.exporting import list_schemes
from ontology.jsonfile import write_bundles
from ontology.store import Store
from service.cli.main import main
from tests.bundles import cpms_bundle


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, connection: Connection, store: Store) -> Store:
    monkeypatch.setenv("NEO4J_URI", connection.uri)
    monkeypatch.setenv("NEO4J_USER", connection.user)
    monkeypatch.setenv("NEO4J_PASSWORD", connection.password or "")
    return store


def spoil_line(path: Path, line: int, bad: bytes = b"\xff") -> None:
    lines = path.read_bytes().split(b"\n")
    lines[line - 1] = lines[line - 1][:3] + bad + lines[line - 1][3:]
    path.write_bytes(b"\n".join(lines))


def import_errors(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["import", str(path), "--actor", "test", "--reason", "encoding"]) == 1
    return capsys.readouterr().err


def test_a_bad_byte_in_a_utf8_csv_is_named_on_its_line(tmp_path, cli_env, capsys) -> None:
    write_csv_folder(tmp_path, cpms_bundle())
    classes = tmp_path / "classes.csv"
    last = len(classes.read_bytes().rstrip(b"\n").split(b"\n"))
    spoil_line(classes, last)
    err = import_errors(tmp_path, capsys)
    assert f"classes.csv:{last}:" in err, err
    assert "classes.csv:2:" not in err, err
    assert list_schemes(cli_env) == [], "nothing was written"


def test_a_bad_byte_in_a_gbk_csv_is_named_on_its_line(tmp_path, cli_env, capsys) -> None:
    write_csv_folder(tmp_path, cpms_bundle())
    classes = tmp_path / "classes.csv"
    classes.write_bytes(classes.read_text(encoding="utf-8-sig").encode("gbk"))
    spoil_line(classes, 3, b"\x80")
    err = import_errors(tmp_path, capsys)
    assert "classes.csv:3:" in err, err


def test_a_bad_byte_in_a_json_file_is_named_on_its_line(tmp_path, cli_env, capsys) -> None:
    path = tmp_path / "cpms.json"
    write_bundles(path, [cpms_bundle()])
    data = path.read_bytes()
    lines = data.split(b"\n")
    target = next(n for n, line in enumerate(lines, start=1) if "六角头螺栓".encode() in line)
    spoil_line(path, target)
    err = import_errors(path, capsys)
    assert f"cpms.json:{target}:" in err, err
