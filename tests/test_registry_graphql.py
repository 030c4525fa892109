"""The registry through the real app: keys bound to a firm, roles, refusals in the mutation
payloads, searches with paging, a bulk job's reviewed rows registered, and catalog exports."""

from __future__ import annotations

import csv
import io
import subprocess
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from ontology.apikeys import create_key
from ontology.connection import Connection
from ontology.editing import Edit, deprecate_class
from ontology.registry import products as products_module
from ontology.registry.products import products_by_id
from ontology.store import Store
from service.app import create_app
from service.graphql import registry as registry_graphql
from service.jobs.review import Reviewer
from service.jobs.runner import JobsConfig
from service.registry import background
from tests.bundles import BOLTS, HEX_BOLT, SOCKET_SCREW, load_fixture_schemes
from tests.graphql_support import app_state, error_codes, gql
from tests.registry_support import JINHUA, YONGKANG, add_firms, gtin
from tests.web_support import csrf_of, sign_in

REGISTER = """mutation($firm: String, $products: [ProductInput!]!) {
  registerProducts(firm: $firm, products: $products, reason: "catalog") {
    ok created updated unchanged refusedRows { row sku problems { kind property message } }
    userErrors { code message } } }"""
PUBLISH = """mutation($firm: String, $ids: [ID!]!) {
  publishProducts(firm: $firm, ids: $ids, reason: "ready") {
    ok products { id status version } refused { id problems { kind property expected } } userErrors { code } } }"""
PRODUCTS = """query($class: String, $values: [String!], $gtin: String, $firm: String, $region: String,
  $status: [ProductStatus!], $first: Int, $after: String) {
  products(class: $class, values: $values, gtin: $gtin, firm: $firm, region: $region, status: $status,
           first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id sku status classCode class { code } firm { code region } values { property value number unit } } } }"""


def bolt(sku: str, thread: str = "M8", material: str | None = "A2", length: int = 30, **fields: object) -> dict:
    values = [{"property": "thread_size", "text": thread}, {"property": "length", "number": length, "unit": "mm"}]
    if material:
        values.append({"property": "material", "value": material})
    return {"sku": sku, "nameZh": f"六角螺栓 {sku}", "classCode": HEX_BOLT, "values": values, **fields}


@pytest.fixture
def registry(connection: Connection, store: Store, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    load_fixture_schemes(store)
    add_firms(store)
    keys = {
        "yongkang": create_key(store, "永康五金", "manufacturer", YONGKANG)[1],
        "jinhua": create_key(store, "金华紧固件", "manufacturer", JINHUA)[1],
        "integrator": create_key(store, "永康五金 IT", "integrator", YONGKANG)[1],
        "unbound": create_key(store, "some maker", "manufacturer")[1],
        "reader": create_key(store, "a buyer", "reader")[1],
        "editor": create_key(store, "an editor", "editor")[1],
    }
    jobs = replace(JobsConfig.from_settings(), root=tmp_path / "jobs", workers=0, snapshot=None)
    with TestClient(create_app(connection, jobs=jobs)) as client:
        yield client, keys


def test_a_manufacturer_cannot_write_another_firms_products(registry, store: Store) -> None:
    client, keys = registry
    theirs = gql(client, REGISTER, keys["jinhua"], products=[bolt("B-1")])["data"]["registerProducts"]
    assert theirs["ok"], theirs
    refused = gql(client, REGISTER, keys["yongkang"], firm=JINHUA, products=[bolt("B-1", thread="M10")])
    assert refused["data"]["registerProducts"]["userErrors"][0]["code"] == "FORBIDDEN"
    assert error_codes(refused) == ["FORBIDDEN"]
    sneaky = gql(client, PUBLISH, keys["yongkang"], ids=theirs["created"])["data"]["publishProducts"]
    assert not sneaky["ok"] and sneaky["userErrors"][0]["code"] == "NOT_FOUND"
    unbound = gql(client, REGISTER, keys["unbound"], firm=JINHUA, products=[bolt("X-1")])
    assert error_codes(unbound) == ["FORBIDDEN"]
    reader = gql(client, REGISTER, keys["reader"], firm=JINHUA, products=[bolt("X-1")])
    assert error_codes(reader) == ["FORBIDDEN"]
    [product] = products_by_id(store, theirs["created"])
    assert product is not None and product.version == 1 and product.status.value == "draft"
    assert [v.value for v in product.values if v.property == "thread_size"] == ["M8"]
    by_editor = gql(client, PUBLISH, keys["editor"], firm=JINHUA, ids=theirs["created"])["data"]["publishProducts"]
    assert by_editor["ok"] and by_editor["products"][0]["status"] == "published"


def test_publishing_with_a_missing_required_value_is_refused_and_named(registry, store: Store) -> None:
    client, keys = registry
    done = gql(client, REGISTER, keys["yongkang"], products=[bolt("A-1"), bolt("A-2", material=None)])
    ids = done["data"]["registerProducts"]["created"]
    answer = gql(client, PUBLISH, keys["yongkang"], ids=ids)
    payload = answer["data"]["publishProducts"]
    assert not payload["ok"] and error_codes(answer) == ["INVALID_INPUT"]
    assert payload["refused"] == [{"id": ids[1], "problems": [
        {"kind": "missing_required", "property": "material", "expected": []}]}]  # fmt: skip
    assert [p.status.value for p in products_by_id(store, ids)] == ["draft", "draft"]  # type: ignore[union-attr]


def test_a_refused_registration_names_every_row(registry) -> None:
    client, keys = registry
    rows = [bolt("A-1"), bolt("A-2", thread="M9"), bolt("A-3", gtin=gtin("690123456789")[:-1] + "0")]
    answer = gql(client, REGISTER, keys["yongkang"], products=rows)
    payload = answer["data"]["registerProducts"]
    assert not payload["ok"] and payload["created"] == [] and error_codes(answer) == ["INVALID_INPUT"]
    assert [(r["row"], r["sku"], r["problems"][0]["kind"]) for r in payload["refusedRows"]] == [
        (2, "A-2", "not_in_list"), (3, "A-3", "bad_value")]  # fmt: skip
    assert "check digit" in payload["refusedRows"][1]["problems"][0]["message"]


def test_duplicates_within_a_firm_are_refused_before_publishing(registry) -> None:
    client, keys = registry
    first = gql(client, REGISTER, keys["yongkang"], products=[bolt("A-1")])["data"]["registerProducts"]["created"]
    assert gql(client, PUBLISH, keys["yongkang"], ids=first)["data"]["publishProducts"]["ok"]
    twin = gql(client, REGISTER, keys["yongkang"], products=[bolt("A-1-OLD")])["data"]["registerProducts"]["created"]
    payload = gql(client, PUBLISH, keys["yongkang"], ids=twin)["data"]["publishProducts"]
    assert not payload["ok"]
    assert payload["refused"][0]["problems"] == [{"kind": "duplicate", "property": None, "expected": first}]


def test_published_products_are_found_and_paged_drafts_stay_private(registry) -> None:
    client, keys = registry
    code = gtin("690123456789")
    batch = [bolt(f"A-{n}", thread="M10" if n % 2 else "M8", length=30 + 10 * n, gtin=code if n == 0 else None)
             for n in range(5)]  # fmt: skip
    ids = gql(client, REGISTER, keys["yongkang"], products=batch)["data"]["registerProducts"]["created"]
    assert gql(client, PUBLISH, keys["yongkang"], ids=ids[:4])["data"]["publishProducts"]["ok"]
    page = gql(client, PRODUCTS, None, **{"class": BOLTS, "first": 3})["data"]["products"]
    assert page["totalCount"] == 4 and page["pageInfo"]["hasNextPage"]
    rest = gql(client, PRODUCTS, None, **{"class": BOLTS, "first": 3, "after": page["pageInfo"]["endCursor"]})
    assert [n["id"] for n in page["nodes"] + rest["data"]["products"]["nodes"]] == ids[:4]
    node = page["nodes"][0]
    assert node["class"]["code"] == HEX_BOLT and node["firm"] == {"code": YONGKANG, "region": "金华市永康市"}
    assert {"property": "length", "value": None, "number": 30.0, "unit": "mm"} in node["values"]
    by_value = gql(client, PRODUCTS, keys["reader"], values=["M10", "304"], region="金华市")["data"]["products"]
    assert [n["sku"] for n in by_value["nodes"]] == ["A-1", "A-3"]
    assert [n["id"] for n in gql(client, PRODUCTS, None, gtin=code)["data"]["products"]["nodes"]] == ids[:1]
    drafts = gql(client, PRODUCTS, keys["reader"], firm=YONGKANG, status=["draft"])
    assert error_codes(drafts) == ["FORBIDDEN"]
    mine = gql(client, PRODUCTS, keys["yongkang"], firm=YONGKANG, status=["draft"])["data"]["products"]
    assert [n["id"] for n in mine["nodes"]] == ids[4:]
    hidden = gql(client, "query($id: ID!) { product(id: $id) { id } }", keys["jinhua"], id=ids[4])
    assert hidden["data"]["product"] is None


def test_a_firms_catalog_exports_as_gbk_csv_and_xlsx(registry) -> None:
    client, keys = registry
    ids = gql(client, REGISTER, keys["yongkang"], products=[bolt("A-1"), bolt("=cmd", length=40)])["data"][
        "registerProducts"
    ]
    gql(client, PUBLISH, keys["yongkang"], ids=ids["created"][:1])
    response = client.get(f"/registry/firms/{YONGKANG}/catalog?encoding=gbk")
    assert response.status_code == 200 and "gbk" in response.headers["content-type"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("gbk"))))
    assert [(r["sku"], r["class_code"], r["thread_size"], r["length"]) for r in rows] == [
        ("A-1", HEX_BOLT, "M8", "30 mm")
    ]
    own = client.get(f"/registry/firms/{YONGKANG}/catalog", headers={"authorization": f"Bearer {keys['yongkang']}"})
    skus = [r["sku"] for r in csv.DictReader(io.StringIO(own.content.decode("utf-8-sig")))]
    assert skus == ["'=cmd", "A-1"]  # drafts for the firm's own key; a formula shown, never run
    xlsx = client.get(f"/registry/firms/{YONGKANG}/catalog?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(f"/registry/firms/{YONGKANG[:-1]}X/catalog").json()["errors"][0]["extensions"]["code"] in (
        "INVALID_INPUT", "NOT_FOUND")  # fmt: skip


def test_a_bulk_jobs_reviewed_rows_register_as_a_firms_drafts(registry, tmp_path: Path, store: Store) -> None:
    client, keys = registry
    catalog = tmp_path / "目录.csv"
    catalog.write_text(
        "货号,品名,规格,材质,条码\n"
        f"YK-1,六角螺栓,M8*30,304,{gtin('690123456789')}\n"
        "YK-2,外六角螺丝,M10*30,碳钢,\n"
        "YK-3,内六角螺丝,M6*20,304,\n"
        "YK-4,保温杯,500ml,,\n",
        encoding="gbk",
    )
    with catalog.open("rb") as file:
        submitted = client.post("/jobs", headers={"authorization": f"Bearer {keys['integrator']}"},
                                files={"file": (catalog.name, file)}, data={"format": "jsonl"})  # fmt: skip
    assert submitted.status_code == 201, submitted.text
    job_id = submitted.json()["id"]
    deadline = time.monotonic() + 120
    while client.get(f"/jobs/{job_id}", headers={"authorization": f"Bearer {keys['integrator']}"}).json()[
        "state"
    ] not in ("done", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    jobs = app_state(client).jobs
    jobs.review(job_id).accept_above(0.0, Reviewer("k", "reviewer"))  # every row with a candidate, decided
    register = """mutation($job: ID!, $skip: Boolean) { registerJobProducts(jobId: $job, reason: "from the job",
      skipUndecided: $skip) { ok created unchanged skippedRows refusedRows { row sku problems { kind } } } }"""
    decided = [r for r in jobs.review(job_id).reviewed_rows() if r["status"] in ("matched", "confirmed")]
    undecided = sorted(r["row"] for r in jobs.review(job_id).reviewed_rows() if r not in decided)
    first = gql(client, register, keys["integrator"], job=job_id)["data"]["registerJobProducts"]
    if undecided:
        assert not first["ok"] and [r["row"] for r in first["refusedRows"]] == undecided
        assert {r["problems"][0]["kind"] for r in first["refusedRows"]} == {"status"}
        first = gql(client, register, keys["integrator"], job=job_id, skip=True)["data"]["registerJobProducts"]
        assert first["skippedRows"] == undecided
    assert first["ok"] and len(first["created"]) == len(decided) >= 2, first
    products = {p.sku: p for p in products_by_id(store, first["created"]) if p}
    assert products["YK-1"].gtin == gtin("690123456789") and products["YK-1"].class_code.startswith("210101")
    again = gql(client, register, keys["integrator"], job=job_id, skip=True)["data"]["registerJobProducts"]
    assert again["ok"] and again["created"] == [] and sorted(again["unchanged"]) == sorted(first["created"])
    other = gql(client, register, keys["yongkang"], job=job_id, skip=True)
    assert error_codes(other) == ["FORBIDDEN"]  # a manufacturer has no jobs


def _finished_job(client: TestClient, key: str, tmp_path: Path, rows: str) -> str:
    catalog = tmp_path / "目录.csv"
    catalog.write_text("货号,品名,规格,材质\n" + rows, encoding="utf-8")
    headers = {"authorization": f"Bearer {key}"}
    with catalog.open("rb") as file:
        submitted = client.post(
            "/jobs", headers=headers, files={"file": (catalog.name, file)}, data={"format": "jsonl"}
        )
    job_id = submitted.json()["id"]
    deadline = time.monotonic() + 120
    while client.get(f"/jobs/{job_id}", headers=headers).json()["state"] not in ("done", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    app_state(client).jobs.review(job_id).accept_above(0.0, Reviewer("k", "reviewer"))
    return job_id


REGISTER_JOB = """mutation($job: ID!) { registerJobProducts(jobId: $job, reason: "from the job", skipUndecided: true) {
  ok state created userErrors { code } } }"""
JOB_REGISTRATION = """query($job: ID!) { jobRegistration(jobId: $job) {
  jobId state firm by startedAt finishedAt created skippedRows error errorCode } }"""


def test_a_registration_longer_than_the_wait_goes_on_in_the_background(registry, tmp_path: Path, monkeypatch) -> None:
    """registerJobProducts answers `running` when its wait ends; the registration goes on, the job's
    rows are not registered twice at once, and jobRegistration tells how it ended."""
    client, keys = registry
    job_id = _finished_job(client, keys["integrator"], tmp_path, "YK-1,六角螺栓,M8*30,304\nYK-2,六角螺栓,M10*40,304\n")
    assert gql(client, JOB_REGISTRATION, keys["integrator"], job=job_id)["data"]["jobRegistration"] is None
    monkeypatch.setattr(registry_graphql, "WAIT_SECONDS", 0.0)
    slots = app_state(client).registrations._slots
    for _ in range(background.THREADS):  # every registration thread busy: this one waits its turn
        slots.acquire()
    try:
        started = gql(client, REGISTER_JOB, keys["integrator"], job=job_id)["data"]["registerJobProducts"]
        assert started == {"ok": True, "state": "running", "created": [], "userErrors": []}
        again = gql(client, REGISTER_JOB, keys["integrator"], job=job_id)
        assert error_codes(again) == ["CONFLICT"]
        running = gql(client, JOB_REGISTRATION, keys["integrator"], job=job_id)["data"]["jobRegistration"]
        assert (running["state"], running["firm"], running["finishedAt"]) == ("running", YONGKANG, None)
        assert error_codes(gql(client, JOB_REGISTRATION, keys["editor"], job=job_id)) == ["NOT_FOUND"]  # not theirs
    finally:
        for _ in range(background.THREADS):
            slots.release()
    deadline = time.monotonic() + 60
    while (done := gql(client, JOB_REGISTRATION, keys["integrator"], job=job_id)["data"]["jobRegistration"])[
        "state"
    ] == "running":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert done["state"] == "done" and len(done["created"]) == 2 and done["finishedAt"], done


def test_a_registration_a_stop_interrupted_is_recovered(registry, tmp_path: Path, store: Store) -> None:
    """A record left `running` by a process that is gone: what its registration staged is removed,
    the firm is free at once (not after an hour), and the record says to register again."""
    client, keys = registry
    job_id = _finished_job(client, keys["integrator"], tmp_path, "YK-9,六角螺栓,M8*30,304\n")
    registrations = app_state(client).registrations
    gone = subprocess.Popen(["true"])
    gone.wait()
    stale = background.JobRegistrationRecord(
        job_id=job_id, id="abandoned", firm=YONGKANG, by="永康五金 IT", state=background.RegistrationState.running,
        started_at=datetime.now(UTC), pid=gone.pid, process="an earlier run",
    )  # fmt: skip
    registrations._save(stale)
    store.write_beside_ontology(products_module._take_lock, YONGKANG, "abandoned")  # as the staging had left it
    refused = gql(client, REGISTER, keys["yongkang"], products=[bolt(f"B-{i}") for i in range(2)])
    assert error_codes(refused) == ["CONFLICT"], "the firm is held while the stale registration is not recovered"

    found = gql(client, JOB_REGISTRATION, keys["integrator"], job=job_id)["data"]["jobRegistration"]
    assert (found["state"], found["errorCode"]) == ("failed", "INTERRUPTED") and "register again" in found["error"]
    registered = gql(client, REGISTER_JOB, keys["integrator"], job=job_id)["data"]["registerJobProducts"]
    assert registered["ok"] and registered["state"] == "done" and len(registered["created"]) == 1


def test_the_workbench_finds_products_and_lists_a_firms_notices(registry, store: Store) -> None:
    client, keys = registry
    ids = gql(client, REGISTER, keys["yongkang"], products=[bolt("A-1"), bolt("A-2", length=40)])["data"][
        "registerProducts"
    ]["created"]
    gql(client, PUBLISH, keys["yongkang"], ids=ids)
    page = client.get("/products", params={"class": BOLTS, "values": "M8 304"})
    assert page.status_code == 200 and ids[0] in page.text and "thread_size=M8" in page.text
    deprecate_class(store, "CPMS", HEX_BOLT, 1, SOCKET_SCREW, Edit("editor", "merged"))
    sign_in(client, keys["yongkang"])
    own = client.get("/products")
    assert own.status_code == 200 and ids[1] in own.text and SOCKET_SCREW in own.text


def test_the_workbench_registers_a_reviewed_job_and_names_refused_rows(registry, tmp_path: Path) -> None:
    """From the job's page: the form, a refusal naming the undecided row, then the registration
    with the undecided rows left out, shown with its counts."""
    client, keys = registry
    job_id = _finished_job(client, keys["integrator"], tmp_path, "YK-1,六角螺栓,M8*30,304\n,六角螺栓,M10*40,304\n")
    sign_in(client, keys["integrator"])
    page = client.get(f"/batch/{job_id}")
    assert page.status_code == 200 and 'id="register-form"' in page.text and YONGKANG in page.text
    form = {"csrf": csrf_of(page.text), "firm": YONGKANG, "reason": "2026 目录"}
    refused = client.post(f"/batch/{job_id}/register", data=form)  # the second row has no SKU
    assert refused.status_code == 200 and 'id="refused-rows"' in refused.text, refused.text
    assert "被拒绝，未登记任何产品" in refused.text and "<td>3</td>" in refused.text  # the header is row 1
    assert client.post(f"/batch/{job_id}/register", data={**form, "reason": ""}).status_code == 400

    record = app_state(client).registrations._read(job_id)
    assert record is not None and record.state is background.RegistrationState.refused

    job_id = _finished_job(client, keys["integrator"], tmp_path, "YK-1,六角螺栓,M8*30,304\nYK-2,六角螺栓,M10*40,304\n")
    page = client.get(f"/batch/{job_id}")
    done = client.post(f"/batch/{job_id}/register", data={**form, "csrf": csrf_of(page.text)})
    assert done.status_code == 200 and "已登记" in done.text and 'id="registration-counts"' in done.text
    assert "新建 2 个" in done.text
    fragment = client.get(f"/batch/{job_id}/registration")
    assert fragment.status_code == 200 and "hx-get" not in fragment.text  # done: no more polling
