"""Scheme files: JSON, CSV folders (UTF-8 BOM out; UTF-8, GBK, GB18030 in) and SKOS Turtle."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ontology.csvfiles import read_csv_folder, write_csv_folder
from ontology.jsonfile import read_bundles, write_bundles
from ontology.model import Status
from ontology.skos import to_turtle
from ontology.validate import ImportRejected
from tests.bundles import HEX_BOLT, SOCKET_SCREW, cpms_bundle


def _dump(bundle) -> dict:
    return bundle.model_dump(mode="json", by_alias=True)


def test_json_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "cpms.json"
    write_bundles(path, [cpms_bundle()])
    assert [_dump(b) for b in read_bundles(path)] == [_dump(cpms_bundle())]


def test_json_errors_name_the_row_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    write_bundles(path, [cpms_bundle()])
    path.write_text(path.read_text().replace('"level": 3', '"level": "three"', 1))
    with pytest.raises(ImportRejected) as info:
        read_bundles(path)
    problem = info.value.problems[0]
    assert problem.location == "bad.json: classes[2]" and problem.field == "level"
    path.write_text("{ not json")
    with pytest.raises(ImportRejected, match="bad.json:1.*not valid JSON"):
        read_bundles(path)


def test_csv_export_has_bom_and_round_trips(tmp_path: Path) -> None:
    write_csv_folder(tmp_path, cpms_bundle())
    raw = (tmp_path / "classes.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "六角头螺栓" in raw.decode("utf-8-sig")
    assert _dump(read_csv_folder(tmp_path)) == _dump(cpms_bundle())


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8"])
def test_csv_import_accepts_chinese_encodings(tmp_path: Path, encoding: str) -> None:
    write_csv_folder(tmp_path, cpms_bundle())
    for path in tmp_path.glob("*.csv"):
        path.write_bytes(path.read_text(encoding="utf-8-sig").encode(encoding))
    assert _dump(read_csv_folder(tmp_path)) == _dump(cpms_bundle())


TRADITIONAL = {
    "紧固件": "緊固件", "螺栓": "螺栓", "六角头螺栓": "六角頭螺栓", "头部为六角形的螺栓": "頭部為六角形的螺栓",
    "内六角圆柱头螺钉": "內六角圓柱頭螺釘",
}  # fmt: skip


def test_csv_import_reads_big5(tmp_path: Path) -> None:
    """A Taiwan editor's folder in Big5: traditional labels, which GB18030 would decode wrongly."""
    write_csv_folder(tmp_path, cpms_bundle())
    classes = tmp_path / "classes.csv"
    text = classes.read_text(encoding="utf-8-sig")
    for simplified, traditional in TRADITIONAL.items():
        text = text.replace(simplified, traditional)
    classes.write_bytes(text.encode("big5"))
    labels = [c.labels.zh_hans for c in read_csv_folder(tmp_path).classes]
    assert labels == [TRADITIONAL.get(c.labels.zh_hans or "", c.labels.zh_hans) for c in cpms_bundle().classes]


def _edit(path: Path, line: int, column: str, value: str) -> None:
    with path.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    rows[line - 2][column] = value
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_csv_import_names_every_bad_row(tmp_path: Path) -> None:
    write_csv_folder(tmp_path, cpms_bundle())
    _edit(tmp_path / "classes.csv", 3, "level", "two")
    _edit(tmp_path / "classes.csv", 4, "parent", "21999999-0")
    _edit(tmp_path / "mappings.csv", 2, "relation", "sameAs")
    (tmp_path / "units.csv").write_bytes(b"code,symbol\n\xff\xfe\xfa,mm\n")
    with pytest.raises(ImportRejected) as info:
        read_csv_folder(tmp_path)
    found = {(p.location, p.field) for p in info.value.problems}
    assert ("classes.csv:3", "level") in found
    assert ("mappings.csv:2", "relation") in found
    assert any(loc.startswith("units.csv:2") and field == "(file)" for loc, field in found)
    # referential problems are found once the rows themselves are sound, still with file and line
    write_csv_folder(tmp_path, cpms_bundle())
    _edit(tmp_path / "classes.csv", 5, "parent", "21999999-0")
    with pytest.raises(ImportRejected) as info:
        read_csv_folder(tmp_path)
    assert [(p.location.split(" ")[0], p.field) for p in info.value.problems] == [("classes.csv:5", "parent")]


def test_skos_turtle(tmp_path: Path) -> None:
    bundle = cpms_bundle()
    bundle.classes[3].status = Status.deprecated
    bundle.classes[3].replaced_by = HEX_BOLT
    turtle = to_turtle(bundle)
    assert "a skos:ConceptScheme" in turtle
    assert '"六角头螺栓"@zh-Hans' in turtle and '"Hexagon head bolt"@en' in turtle
    assert '"外六角螺丝"@zh-Hans' in turtle
    assert "skos:exactMatch <https://cpms.example.org/id/UNSPSC/31161600>" in turtle
    assert f"dcterms:isReplacedBy <https://cpms.example.org/id/CPMS/{HEX_BOLT}>" in turtle
    assert f"<https://cpms.example.org/id/CPMS/{SOCKET_SCREW}> a skos:Concept" in turtle
    assert turtle.count(" a skos:Concept ;") == len(bundle.classes)
