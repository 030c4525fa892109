"""The workbench in a real browser: Debian's chromium driven by Playwright against the app served
by uvicorn over the real store. Each flow is what an editor, a manufacturer or a reviewer does;
the main pages are photographed into docs/ui/ for the README."""

from __future__ import annotations

import csv
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from bulk.outputs import read_output
from ontology.apikeys import create_key
from ontology.queries import get_class
from tests.bundles import BOLTS, FASTENERS, HEX_BOLT, SOCKET_SCREW
from tests.conftest import PROJECT, free_port
from tests.web_support import workbench_app, workbench_keys

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = PROJECT / "docs" / "ui"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: make browser")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's chromium, not a browser Playwright downloads."""
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": ["--no-sandbox"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 860}, "locale": "zh-CN"}


@contextmanager
def served(connection, root: Path) -> Iterator[str]:
    """The app over HTTP on a free port, in a thread of this process."""
    app = workbench_app(connection, root)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server started"
        time.sleep(0.05)
    try:
        assert app.state.matcher.wait_ready(120), "the matcher was built from the store"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


@pytest.fixture
def keys(store):
    return workbench_keys(store)


@pytest.fixture
def base(tmp_path, connection, keys) -> Iterator[str]:
    with served(connection, tmp_path) as url:
        yield url


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def signed_in(browser, base: str, key: str):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=key]", key)
    page.click("form.card button[type=submit]")
    page.wait_for_selector("#signed-in")
    return context, page


def test_browse_to_a_class_through_the_lazy_tree(page, base):
    page.goto(base + "/")
    assert page.locator(".card.scheme h2", has_text="浙江产品主数据标准").count() == 1
    shot(page, "home")
    page.click("a.card.scheme[href='/browse/CPMS']")
    page.wait_for_selector(f"summary a[href='/classes/CPMS/{FASTENERS}']")
    page.click(f"details:has(> summary a[href='/classes/CPMS/{FASTENERS}']) > summary .muted")
    page.wait_for_selector(f"a[href='/classes/CPMS/{BOLTS}']")  # fetched when opened
    page.click(f"details:has(> summary a[href='/classes/CPMS/{BOLTS}']) > summary .muted")
    page.wait_for_selector(f"a[href='/classes/CPMS/{HEX_BOLT}']")
    shot(page, "browse")
    page.click(f"a[href='/classes/CPMS/{HEX_BOLT}']")
    page.wait_for_selector("#class-label")
    assert page.inner_text("#class-label") == "六角头螺栓"
    assert "紧固件" in page.inner_text("nav.crumbs") and "螺栓" in page.inner_text("nav.crumbs")
    assert page.locator("#template tr.inherited").count() == 3  # material, thread_size, length
    assert "外六角螺丝" in page.inner_text("#synonyms")
    assert page.locator("#edit-link").count() == 0  # anonymous: no edit controls
    shot(page, "class")
    page.click("header .langs a:text('EN')")
    page.wait_for_selector("#class-label")
    assert page.inner_text("#class-label") == "Hexagon head bolt"
    assert "Attribute template" in page.content()


def test_search_in_chinese_and_in_pinyin(page, base):
    page.goto(base + "/")
    for text in ("内六角螺丝", "neiliujiao"):
        page.fill("header input[name=q]", text)
        page.press("header input[name=q]", "Enter")
        page.wait_for_selector("#search-results")
        link = page.locator(f"#search-results a[href='/classes/CPMS/{SOCKET_SCREW}']").first
        assert link.count() == 1, text
        assert "紧固件 › 螺栓 ›" in page.inner_text("#search-results")
        if text == "内六角螺丝":
            shot(page, "search")
    link.click()
    page.wait_for_selector("#class-label")
    assert page.inner_text("#class-label") == "内六角圆柱头螺钉"


def test_an_edit_and_an_edit_conflict_between_two_editors(browser, base, store, keys):
    other_key = create_key(store, "second editor", "editor")[1]
    first, mine = signed_in(browser, base, keys["editor"])
    second, theirs = signed_in(browser, base, other_key)
    edit = f"{base}/classes/CPMS/{HEX_BOLT}/edit"
    mine.goto(edit)
    theirs.goto(edit)
    theirs.fill("#edit-form input[name=labels_zhHans]", "六角头螺栓（对方）")
    theirs.fill("#edit-form input[name=reason]", "their fix")
    theirs.click("#save")
    theirs.wait_for_selector("#notice")
    assert theirs.inner_text("#class-label") == "六角头螺栓（对方）"

    mine.fill("#edit-form input[name=labels_en]", "Hex head bolt (mine)")
    mine.fill("#edit-form textarea[name=synonyms]", "外六角螺丝\n六角螺栓|zh-Hans|mine")
    mine.fill("#edit-form input[name=reason]", "my fix")
    mine.click("#save")
    mine.wait_for_selector("#conflict")
    assert "second editor" in mine.inner_text("#conflict") and "their fix" in mine.inner_text("#conflict")
    assert mine.input_value("#theirs input[name=theirs_labels_zhHans]") == "六角头螺栓（对方）"
    # nothing typed is lost
    assert mine.input_value("#edit-form input[name=labels_en]") == "Hex head bolt (mine)"
    assert "六角螺栓|zh-Hans|mine" in mine.input_value("#edit-form textarea[name=synonyms]")
    assert mine.input_value("#edit-form input[name=reason]") == "my fix"
    shot(mine, "edit-conflict")
    # keep their label, then save mine over the version now shown
    mine.fill("#edit-form input[name=labels_zhHans]", "六角头螺栓（对方）")
    mine.click("#save")
    mine.wait_for_selector("#notice")
    saved = get_class(store, "CPMS", HEX_BOLT).concept
    assert (saved.labels.zh_hans, saved.labels.en) == ("六角头螺栓（对方）", "Hex head bolt (mine)")
    assert "六角螺栓" in [s.text for s in saved.synonyms]
    history = mine.inner_text("#history")
    assert "their fix" in history and "my fix" in history and "Hex head bolt (mine)" in history
    first.close()
    second.close()


def test_a_manufacturer_proposes_and_an_editor_approves(browser, base, store, keys):
    maker, proposing = signed_in(browser, base, keys["manufacturer"])
    proposing.goto(f"{base}/classes/CPMS/{SOCKET_SCREW}")
    assert proposing.locator("#edit-link").count() == 0
    proposing.click("#propose-link")
    proposing.fill("#propose-form input[name=synonym]", "杯头螺丝")
    proposing.fill("#propose-form input[name=reason]", "our catalog calls it so")
    proposing.click("#propose-form button[type=submit]")
    proposing.wait_for_selector("#notice")
    editor, deciding = signed_in(browser, base, keys["editor"])
    deciding.goto(f"{base}/requests")
    row = deciding.locator("#requests tbody tr", has_text="杯头螺丝")
    assert row.count() == 1 and "test manufacturer" in row.inner_text()
    shot(deciding, "requests")
    row.locator("input[name=comment]").fill("yes, a common trade name")
    row.locator("button.approve").click()
    deciding.wait_for_url(re.compile(r"/requests"))
    deciding.goto(f"{base}/requests?status=approved")
    assert "yes, a common trade name" in deciding.inner_text("#requests")
    deciding.goto(f"{base}/classes/CPMS/{SOCKET_SCREW}")
    assert "杯头螺丝" in deciding.inner_text("#synonyms")
    maker.close()
    editor.close()


def test_publish_a_release_and_view_its_diff(browser, base, keys):
    context, page = signed_in(browser, base, keys["editor"])
    page.goto(f"{base}/releases/CPMS")
    page.fill("#publish-form input[name=note]", "first")
    page.click("#publish-form button")
    page.wait_for_selector("#notice")
    page.goto(f"{base}/classes/CPMS/{BOLTS}/edit")
    page.fill("#deprecate-form input[name=replaced_by]", HEX_BOLT)
    page.fill("#deprecate-form input[name=reason]", "merged")
    page.click("#deprecate-form button")
    page.wait_for_selector("#replaced-by")
    page.goto(f"{base}/releases/CPMS")
    page.fill("#publish-form input[name=note]", "second")
    page.click("#publish-form button")
    page.wait_for_selector("#notice")
    page.select_option("#diff-form select[name=from]", "1")
    page.select_option("#diff-form select[name=to]", "2")
    page.click("#diff-form button")
    page.wait_for_selector("#diff")
    assert BOLTS in page.inner_text("#diff-deprecated")
    shot(page, "release-diff")
    context.close()


CATALOG = [
    ["品名", "规格型号", "材质"],
    ["六角头螺栓", "M8*30", "304不锈钢"],
    ["外六角螺丝", "M10", "碳钢"],
    ["活动扳手", "8寸", ""],
    ["不锈钢合页", "4寸", ""],
    ["螺", "", ""],
    ["电钻", "500W", ""],
    ["门锁", "", ""],
    ["厨房水槽", "", "不锈钢"],
    ["螺钉", "", ""],
]


def test_upload_a_catalog_review_five_rows_by_keyboard_and_download_them(browser, base, tmp_path, keys):
    catalog = tmp_path / "目录.csv"
    with catalog.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows(CATALOG)
    context, page = signed_in(browser, base, keys["integrator"])
    page.goto(f"{base}/batch")
    page.set_input_files("#upload-form input[name=file]", str(catalog))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#job-state")
    page.wait_for_selector("#job-state:text('done')", timeout=120_000)  # polled by htmx
    shot(page, "job")
    page.click("#review-link")
    page.wait_for_selector("#review-row")
    shot(page, "review")
    decided: dict[int, str | None] = {}
    for _ in range(5):
        row = page.locator("#review-row")
        number = int(row.get_attribute("data-row"))
        first = page.locator("#decide-form button[data-key='1'] code")
        if first.count():
            decided[number] = first.inner_text()
            page.keyboard.press("1")
        else:
            decided[number] = None
            page.keyboard.press("n")
        page.wait_for_function(
            "n => !document.getElementById('review-row') || document.getElementById('review-row').dataset.row != n",
            arg=str(number),
        )
    assert len(decided) == 5
    assert "5" in page.inner_text("#review-progress")
    with page.expect_download() as download:
        page.click("#download-reviewed")
    path = tmp_path / "reviewed.csv"
    download.value.save_as(path)
    rows = {r["row"]: r for r in read_output(path)}
    assert len(rows) == len(CATALOG) - 1
    for number, code in decided.items():
        if code is None:
            assert (rows[number]["status"], rows[number]["code"]) == ("no_match", "")
        else:
            assert (rows[number]["status"], rows[number]["code"]) == ("confirmed", code)
        assert "reviewed by test integrator" in rows[number]["reason"]
    untouched = [r for n, r in rows.items() if n not in decided]
    assert all(r["status"] in ("matched", "review", "no_match") for r in untouched)
    context.close()


def test_the_match_playground_shows_candidates_and_learns_a_confirmation(browser, base, keys):
    context, page = signed_in(browser, base, keys["manufacturer"])
    page.goto(f"{base}/playground")
    page.fill("#match-form textarea[name=text]", "304不锈钢六角螺栓 M8*30\n内六角螺丝 M10")
    page.click("#match-form button")
    page.wait_for_selector("#result-2")
    assert HEX_BOLT in page.inner_text("#result-1 table.candidates")
    shot(page, "playground")
    page.click("#result-1 button.confirm")
    page.wait_for_selector("#result-1 .learned")
    context.close()


def test_sign_in_and_out_and_a_reader_sees_no_edit_controls(browser, base, keys):
    context, page = signed_in(browser, base, keys["reader"])
    assert "test reader" in page.inner_text("#signed-in")
    page.goto(f"{base}/classes/CPMS/{HEX_BOLT}")
    assert page.locator("#edit-link").count() == 0 and page.locator("#propose-link").count() == 0
    page.goto(f"{base}/releases/CPMS")
    assert page.locator("#publish-form").count() == 0
    page.click("#sign-out")
    page.wait_for_selector("#sign-in")
    assert page.locator("#signed-in").count() == 0
    context.close()
