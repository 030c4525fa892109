"""The reconciliation services over the whole seed, through real HTTP: every answer is checked
against the spec's JSON schema of its protocol version (0.2 and 1.0-draft), errors against the API's
error shape; and OpenRefine's own client code reconciles a column and extends it."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from ontology.connection import Connection
from ontology.maintenance import wipe
from ontology.store import Store
from seed_data.seeding import seed
from tests.conftest import free_port
from tests.reconcile_support import confirm_examples, served, validate, validate_error

HERE = Path(__file__).resolve().parent
V1 = "1.0-draft"
LINES = [
    (name, spec)
    for name, specs in [
        ("304不锈钢六角螺栓", ["M6*20", "M8*30", "M10*40", "M12*50", "M16*60"]),
        ("不锈钢六角螺母", ["M6", "M8", "M10", "M12", "M16"]),
        ("平垫圈 镀锌", ["M6", "M8", "M10", "M12", "M16"]),
        ("十字槽盘头螺钉", ["M3*8", "M4*12", "M5*16", "M6*20", "M4*25"]),
        ("不锈钢合页", ["3寸", "4寸", "5寸", "4寸 加厚", "5寸 静音"]),
        ("弹簧垫圈", ["M6", "M8", "M10", "M12", "M16"]),
        ("内六角圆柱头螺钉", ["M5*16", "M6*20", "M8*25", "M10*30", "M12*40"]),
        ("黄铜球阀", ["DN15", "DN20", "DN25", "4分", "6分"]),
        ("活动扳手", ["6寸", "8寸", "10寸", "12寸", "15寸"]),
        ("防盗门锁芯", ["C级", "B级", "超C级", "70mm", "80mm"]),
    ]
    for spec in specs
]
"""A column of 50 catalog lines as Yongkang hardware makers write them, with a spec column."""


@pytest.fixture(scope="module")
def service(connection: Connection, session_store: Store) -> Iterator[str]:
    wipe(session_store)
    seed(session_store, log=lambda _: None)
    confirm_examples(session_store)  # without them the seed decides nothing auto
    with served(connection, free_port()) as url:
        yield url
    wipe(session_store)


def get(url: str, **params: Any) -> httpx.Response:
    return httpx.get(url, params=params, timeout=60)


def test_the_02_manifest(service: str) -> None:
    manifest = get(f"{service}/reconcile/CPMS").json()
    validate("0.2", "manifest", manifest)
    assert manifest["versions"] == ["0.2"]
    assert manifest["identifierSpace"] == "urn:cpms:CPMS"
    assert {t["id"] for t in manifest["defaultTypes"]} >= {"item"}
    assert manifest["preview"]["url"].endswith("/reconcile/CPMS/preview?id={{id}}")
    assert manifest["suggest"]["entity"]["service_path"] == "/suggest/entity"


def test_the_10_manifest(service: str) -> None:
    manifest = get(f"{service}/reconcile/UNSPSC/{V1}").json()
    validate(V1, "manifest", manifest)
    assert manifest["versions"] == [V1] and manifest["standardizedScore"] is True
    assert len(manifest["defaultTypes"]) > 10  # UNSPSC's segments; no standard items
    assert "item" not in {t["id"] for t in manifest["defaultTypes"]}


def test_02_queries_by_get_form_post_and_jsonp(service: str) -> None:
    queries = json.dumps({"q0": {"query": "304不锈钢六角螺栓 M8*30", "limit": 3}, "q1": {"query": "不锈钢合页"}})
    by_get = get(f"{service}/reconcile/CPMS", queries=queries).json()
    validate("0.2", "reconciliation-result-batch", by_get)
    by_post = httpx.post(f"{service}/reconcile/CPMS", data={"queries": queries}, timeout=60).json()
    assert by_post == by_get
    first = by_get["q0"]["result"]
    assert 1 <= len(first) <= 3 and first[0]["name"] == "六角头螺栓" and 0 <= first[0]["score"] <= 100
    assert "紧固件" in first[0]["description"] and first[0]["features"]
    jsonp = get(f"{service}/reconcile/CPMS", queries=queries, callback="cb_1")
    assert jsonp.headers["content-type"].startswith("text/javascript")
    assert json.loads(jsonp.text.removeprefix("/**/cb_1(").removesuffix(");")) == by_get


def test_match_is_true_only_for_an_auto_decision(service: str) -> None:
    clear, vague = "304不锈钢六角螺栓 M8*30 镀锌", "配件"
    answer = get(f"{service}/reconcile/CPMS", queries=json.dumps({"a": {"query": clear}, "b": {"query": vague}}))
    result = answer.json()
    assert result["a"]["result"][0]["match"] is True
    assert not any(c["match"] for c in result["b"]["result"])
    graphql = httpx.post(
        f"{service}/graphql", json={"query": '{ match(record: {text: "配件"}) { decision } }'}, timeout=60
    ).json()
    assert graphql["data"]["match"]["decision"] != "auto"


def test_a_type_keeps_candidates_within_its_subtree(service: str) -> None:
    manifest = get(f"{service}/reconcile/CPMS").json()
    tops = {t["id"]: t["name"] for t in manifest["defaultTypes"] if t["id"] != "item"}
    tools = next(code for code, name in tops.items() if "工具" in name)
    answer = get(f"{service}/reconcile/CPMS", queries=json.dumps({"q": {"query": "不锈钢 扳手 螺栓", "type": tools}}))
    result = answer.json()["q"]["result"]
    assert result and all(any(t["id"] == tools for t in c["type"]) for c in result)


def test_properties_are_the_records_columns(service: str) -> None:
    query = {"query": "六角头螺栓", "properties": [{"pid": "spec", "v": "M8*30"}, {"pid": "material", "v": "304"}]}
    answer = get(f"{service}/reconcile/CPMS", queries=json.dumps({"q": query})).json()
    assert answer["q"]["result"][0]["name"] == "六角头螺栓"
    bad = get(
        f"{service}/reconcile/CPMS",
        queries=json.dumps({"q": {"query": "螺栓", "properties": [{"pid": "x", "v": "1"}]}}),
    )
    assert bad.status_code == 400
    validate_error(bad.json())


def test_names_follow_the_language_asked_for(service: str) -> None:
    queries = json.dumps({"q": {"query": "六角头螺栓 M8"}})
    english = httpx.get(
        f"{service}/reconcile/CPMS", params={"queries": queries}, headers={"accept-language": "en-US,en"}, timeout=60
    ).json()
    assert "bolt" in english["q"]["result"][0]["name"].lower()
    traditional = get(f"{service}/reconcile/CPMS", queries=queries, lang="zh-Hant").json()
    assert traditional["q"]["result"][0]["name"] == "六角頭螺栓"


def test_10_match(service: str) -> None:
    body = {
        "queries": [
            {"conditions": [{"matchType": "name", "propertyValue": "不锈钢六角螺母"}], "limit": 2},
            {
                "conditions": [
                    {"matchType": "name", "propertyValue": "平垫圈"},
                    {"matchType": "property", "propertyId": "spec", "propertyValue": "M12"},
                ]
            },
        ]
    }
    validate(V1, "reconciliation-query-batch", body)
    answer = httpx.post(f"{service}/reconcile/CPMS/{V1}/match", json=body, timeout=60).json()
    validate(V1, "reconciliation-result-batch", answer)
    assert len(answer["results"]) == 2 and len(answer["results"][0]["candidates"]) == 2
    assert answer["results"][0]["candidates"][0]["name"] == "六角螺母"
    assert answer["results"][1]["candidates"][0]["name"] == "平垫圈"


@pytest.mark.parametrize("version", ["0.2", V1])
def test_suggest_entities_types_and_properties(service: str, version: str) -> None:
    root = f"{service}/reconcile/CPMS" + ("" if version == "0.2" else f"/{V1}")
    chinese = get(f"{root}/suggest/entity", prefix="六角头螺").json()
    validate(version, "suggest-entities-response", chinese)
    assert "六角头螺栓" in {e["name"] for e in chinese["result"]}
    pinyin = get(f"{root}/suggest/entity", prefix="liujiaotouluoshuan").json()
    assert "六角头螺栓" in {e["name"] for e in pinyin["result"]}
    code = chinese["result"][0]["id"]
    by_code = get(f"{root}/suggest/entity", prefix=code).json()
    assert by_code["result"][0]["id"] == code
    first, second = (get(f"{root}/suggest/entity", prefix="螺", limit=3, cursor=c).json()["result"] for c in (0, 3))
    assert len(first) == 3 and not {e["id"] for e in first} & {e["id"] for e in second}
    types = get(f"{root}/suggest/type", prefix="紧固").json()
    validate(version, "suggest-types-response", types)
    assert any("紧固件" in t["name"] for t in types["result"])
    properties = get(f"{root}/suggest/property", prefix="mapping").json()
    validate(version, "suggest-properties-response", properties)
    assert {"mapping.UNSPSC", "mapping.GPC", "mapping.HS"} <= {p["id"] for p in properties["result"]}


def test_preview_is_a_chinese_first_card(service: str) -> None:
    code = get(f"{service}/reconcile/CPMS/suggest/entity", prefix="六角头螺栓").json()["result"][0]["id"]
    card = get(f"{service}/reconcile/CPMS/preview", id=code)
    assert card.headers["content-type"].startswith("text/html")
    assert "<html lang=zh-Hans>" in card.text and "六角头螺栓" in card.text and code in card.text
    assert "UNSPSC" in card.text  # its mappings
    assert get(f"{service}/reconcile/CPMS/preview", id="NOPE").status_code == 404


def _bolt(service: str) -> str:
    return get(f"{service}/reconcile/CPMS/suggest/entity", prefix="六角头螺栓").json()["result"][0]["id"]


def test_02_extend_with_mappings_labels_and_path(service: str) -> None:
    code = _bolt(service)
    extend = {"ids": [code], "properties": [{"id": "mapping.UNSPSC"}, {"id": "label.en"}, {"id": "path"}]}
    validate("0.2", "data-extension-query", extend)
    answer = get(f"{service}/reconcile/CPMS", extend=json.dumps(extend)).json()
    validate("0.2", "data-extension-response", answer)
    row = answer["rows"][code]
    assert row["mapping.UNSPSC"] and all(v["id"].isdigit() for v in row["mapping.UNSPSC"])
    assert "bolt" in row["label.en"][0]["str"].lower() and "紧固件" in row["path"][0]["str"]
    proposal = get(f"{service}/reconcile/CPMS/propose_properties", type=code).json()
    validate("0.2", "data-extension-property-proposal", proposal)
    assert {"mapping.HS", "status", "replacedBy"} <= {p["id"] for p in proposal["properties"]}
    assert any(p["id"].startswith("value.") for p in proposal["properties"])  # its template


def test_10_extend_item_values_with_units(service: str) -> None:
    item = get(f"{service}/reconcile/CPMS/{V1}/suggest/entity", prefix="M8", type="item").json()["result"][0]["id"]
    proposal = get(f"{service}/reconcile/CPMS/{V1}/extend/propose", type="item").json()
    validate(V1, "data-extension-property-proposal", proposal)
    values = [p["id"] for p in proposal["properties"] if p["id"].startswith("value.")]
    body = {"ids": [item], "properties": [{"id": p} for p in values] + [{"id": "parent"}]}
    answer = httpx.post(f"{service}/reconcile/CPMS/{V1}/extend", json=body, timeout=60).json()
    validate(V1, "data-extension-response", answer)
    found = {p["id"]: p["values"] for p in answer["rows"][0]["properties"]}
    assert found["parent"][0]["id"] and any("mm" in v.get("str", "") for vals in found.values() for v in vals)


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"queries": json.dumps({f"q{i}": {"query": "螺栓"} for i in range(101)})}, 400, "LIMIT_EXCEEDED"),
        ({"queries": json.dumps({"q": {"query": "螺" * 1001}})}, 400, "LIMIT_EXCEEDED"),
        ({"queries": "{not json"}, 400, "INVALID_INPUT"),
        ({"queries": json.dumps({"q": {"query": "螺栓", "type": "NOPE"}})}, 400, "INVALID_INPUT"),
        ({"extend": json.dumps({"ids": ["NOPE"], "properties": [{"id": "path"}]})}, 404, "NOT_FOUND"),
    ],
)
def test_bad_requests_are_named_in_the_error_shape(service: str, params: dict, status: int, code: str) -> None:
    answer = get(f"{service}/reconcile/CPMS", **params)
    assert answer.status_code == status
    validate_error(answer.json())
    assert answer.json()["errors"][0]["extensions"]["code"] == code


def test_an_unknown_scheme_and_a_large_body(service: str) -> None:
    unknown = get(f"{service}/reconcile/NOPE")
    assert unknown.status_code == 404 and unknown.json()["errors"][0]["extensions"]["code"] == "UNKNOWN_SCHEME"
    large = httpx.post(f"{service}/reconcile/CPMS/{V1}/match", content=b"x" * 1_100_000, timeout=60)
    assert large.status_code == 400 and large.json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"


def test_cors_for_browser_clients(service: str) -> None:
    preflight = httpx.options(f"{service}/reconcile/CPMS/{V1}/match", headers={"origin": "https://x.example"})
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == "*"
    assert get(f"{service}/reconcile/CPMS").headers["access-control-allow-origin"] == "*"


def test_reads_follow_the_anonymous_read_setting(connection: Connection, service: str) -> None:
    with served(connection, free_port(), anonymous_read=False) as closed:
        refused = get(f"{closed}/reconcile/CPMS")
        assert refused.status_code == 401
        validate_error(refused.json())


@pytest.fixture(scope="module")
def openrefine(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """OpenRefine's client code (org.openrefine:main from Maven Central) and a small program that
    drives it, compiled once: the java command to run."""
    mvn, javac = shutil.which("mvn"), shutil.which("javac")
    assert mvn and javac, "Maven and a JDK are needed (README: what you need)"
    folder = tmp_path_factory.mktemp("openrefine")
    classpath = folder / "classpath.txt"
    subprocess.run(
        [mvn, "-q", "-B", "-f", str(HERE / "openrefine" / "pom.xml"), "dependency:build-classpath",
         f"-Dmdep.outputFile={classpath}"],
        check=True, timeout=900,
    )  # fmt: skip
    jars = classpath.read_text().strip()
    subprocess.run(
        [javac, "-cp", jars, "-d", str(folder), str(HERE / "openrefine" / "ReconcileClient.java")], check=True
    )
    return ["java", "-cp", f"{folder}:{jars}", "ReconcileClient"]


def test_openrefine_reconciles_a_column_and_extends_it(service: str, openrefine: list[str], tmp_path: Path) -> None:
    column = tmp_path / "column.tsv"
    column.write_text("".join(f"{name}\t{spec}\n" for name, spec in LINES), encoding="utf-8")
    run = subprocess.run(
        [*openrefine, f"{service}/reconcile/CPMS", str(column), "mapping.UNSPSC"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    shown = json.loads(run.stdout)
    rows = shown["rows"]
    assert len(rows) == 50 and not [r for r in rows if "error" in r]
    assert all(r["candidates"] for r in rows)
    bolts = [r for r, (name, _) in zip(rows, LINES, strict=True) if name.startswith("304不锈钢六角螺栓")]
    assert all(r["judgment"] == "Matched" and r["matchName"] == "六角头螺栓" for r in bolts)
    assert sum(r["judgment"] == "Matched" for r in rows) >= 35
    assert all(r["match"] == r["candidates"][0]["id"] for r in rows if r["judgment"] == "Matched")
    bolt = bolts[0]["match"]
    assert shown["extended"][bolt] and all(v.split()[0].isdigit() for v in shown["extended"][bolt])
