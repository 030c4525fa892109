"""Reading the ontology: home, the class tree, search and the class page."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from starlette.responses import Response

from common.errors import InvalidInput, NotFound
from ontology.codes import class_code
from service.web.base import PAGE_SIZE, Page, Routes, Web, json_value
from service.web.matching_pages import open_review_rows

HOME = "query($lang: String) { schemes { code version name(lang: $lang) classCount itemCount } }"
OPEN_REQUESTS = """{
  changeRequests(status: open, first: 5) { totalCount nodes { id kind scheme target proposer createdAt reason } }
}"""
RELEASES = "query($scheme: String!) { releases(scheme: $scheme) { scheme number publishedAt actor note concepts } }"

TREE = """query($scheme: String!, $parent: String, $after: String, $first: Int, $lang: String) {
  classes(scheme: $scheme, parent: $parent, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { code label(lang: $lang) status children(first: 0) { totalCount } }
  }
}"""
CRUMBS = """query($scheme: String!, $code: String!, $lang: String) {
  class(scheme: $scheme, code: $code) { code label(lang: $lang) ancestors { code label(lang: $lang) } }
}"""
SCHEMES = "query($lang: String) { schemes { code name(lang: $lang) classCount } }"

SEARCH = """query($text: String!, $scheme: String, $after: String, $lang: String) {
  search(text: $text, scheme: $scheme, first: 20, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { kind scheme code label status score
      class { label(lang: $lang) ancestors { code label(lang: $lang) } }
      item { label(lang: $lang) class { code label(lang: $lang) } } }
  }
}"""

CLASS = """query($scheme: String!, $code: String!, $lang: String, $filters: [ItemFilterInput!],
               $itemsAfter: String, $historyAfter: String, $childrenAfter: String) {
  class(scheme: $scheme, code: $code) {
    scheme code label(lang: $lang) level status version
    labels { zhHans zhHant en } definition { zhHans zhHant en }
    replacedBy { code label(lang: $lang) }
    ancestors { code label(lang: $lang) }
    children(first: 50, after: $childrenAfter) { totalCount pageInfo { hasNextPage endCursor }
      nodes { code label(lang: $lang) status } }
    synonyms { text lang source }
    template { required definedOn inherited
      property { code label(lang: $lang) dataType valueCount unit { symbol }
        values(first: 30) { totalCount nodes { code label(lang: $lang) } } } }
    mappings { relation source target { scheme code label(lang: $lang) } }
    items(filters: $filters, first: 20, after: $itemsAfter) { totalCount pageInfo { hasNextPage endCursor }
      nodes { code label(lang: $lang) status values { property value number max flag } } }
    history(first: 20, after: $historyAfter) { totalCount pageInfo { hasNextPage endCursor }
      nodes { at actor reason action before after } }
  }
}"""


def routes(web: Web) -> Routes:
    return [
        ("/", web.view(home), ["GET"]),
        ("/browse", web.view(browse_schemes), ["GET"]),
        ("/browse/{scheme}", web.view(browse), ["GET"]),
        ("/browse/{scheme}/children", web.view(children), ["GET"]),
        ("/search", web.view(search), ["GET"]),
        ("/classes/{scheme}/{code}", web.view(class_page), ["GET"]),
    ]


async def home(page: Page) -> Response:
    data = await page.graph(HOME, lang=page.lang)
    releases = await asyncio.gather(*(page.graph(RELEASES, scheme=s["code"]) for s in data["schemes"]))
    latest = sorted(
        (r for answer in releases for r in answer["releases"]), key=lambda r: r["publishedAt"], reverse=True
    )[:5]
    review = await open_review_rows(page) if page.can("jobs") else None
    requests = (await page.graph(OPEN_REQUESTS))["changeRequests"] if page.can("curate") else None
    return page.render("home.html", data=data, releases=latest, review=review, requests=requests)


async def browse_schemes(page: Page) -> Response:
    data = await page.graph(SCHEMES, lang=page.lang)
    return page.render("browse_schemes.html", schemes=data["schemes"])


async def _level(page: Page, scheme: str, parent: str | None) -> dict[str, Any]:
    answer = await page.graph(
        TREE, scheme=scheme, parent=parent or None, after=page.arg("after") or None, first=50, lang=page.lang
    )
    return answer["classes"]


async def browse(page: Page) -> Response:
    scheme, parent = page.request.path_params["scheme"], page.arg("parent") or None
    level = await _level(page, scheme, parent)
    crumbs = None
    if parent:
        found = (await page.graph(CRUMBS, scheme=scheme, code=parent, lang=page.lang))["class"]
        crumbs = [*reversed(found["ancestors"]), {"code": found["code"], "label": found["label"]}] if found else []
    return page.render("browse.html", scheme=scheme, parent=parent, level=level, crumbs=crumbs)


async def children(page: Page) -> Response:
    """One level of the tree, as an htmx fragment: a class's children, fetched when opened."""
    scheme, parent = page.request.path_params["scheme"], page.arg("parent") or None
    level = await _level(page, scheme, parent)
    return page.render("tree_level.html", scheme=scheme, parent=parent, level=level)


BY_CODE = """query($scheme: String!, $code: String!, $lang: String) {
  class(scheme: $scheme, code: $code) { scheme code label(lang: $lang) status ancestors { code label(lang: $lang) } }
}"""
CODE_LIKE = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-]{3,}")


async def _by_code(page: Page, text: str, scheme: str | None, schemes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A query that is a code finds its class first (full-text search reads words, not codes);
    a CPMS code may be typed without its check character."""
    if not CODE_LIKE.fullmatch(text) or not any(ch.isdigit() for ch in text):
        return []
    found = []
    for code_scheme in [scheme] if scheme else [s["code"] for s in schemes]:
        codes = [text]
        if code_scheme == "CPMS" and text.isdigit() and len(text) == 8:
            codes.append(class_code(text))
        for code in codes:
            try:
                hit = (await page.graph(BY_CODE, scheme=code_scheme, code=code, lang=page.lang))["class"]
            except (InvalidInput, NotFound):  # not a code of this scheme
                continue
            if hit is not None:
                found.append(hit)
    return found


async def search(page: Page) -> Response:
    text, scheme = page.arg("q"), page.arg("scheme") or None
    hits = None
    schemes = (await page.graph(SCHEMES, lang=page.lang))["schemes"]
    exact = await _by_code(page, text, scheme, schemes) if text and not page.arg("after") else []
    if text:
        hits = (await page.graph(SEARCH, text=text, scheme=scheme, after=page.arg("after") or None, lang=page.lang))[
            "search"
        ]
    return page.render("search.html", text=text, scheme=scheme, hits=hits, schemes=schemes, exact=exact)


def item_filters(page: Page) -> list[dict[str, str]]:
    """`?filter=thread_size:M8` (repeated) as ItemFilterInput values."""
    filters = []
    texts = page.request.query_params.getlist("filter")
    if page.arg("fp") and page.arg("fv"):
        texts.append(f"{page.arg('fp')}:{page.arg('fv')}")
    for text in texts:
        prop, _, value = text.partition(":")
        if prop.strip() and value.strip():
            filters.append({"property": prop.strip(), "value": value.strip()})
    return filters


async def class_view(page: Page, scheme: str, code: str) -> dict[str, Any] | None:
    data = await page.graph(
        CLASS, scheme=scheme, code=code, lang=page.lang, filters=item_filters(page) or None,
        itemsAfter=page.arg("items_after") or None, historyAfter=page.arg("history_after") or None,
        childrenAfter=page.arg("children_after") or None,
    )  # fmt: skip
    return data["class"]


async def class_page(page: Page, notice: str | None = None, status: int = 200) -> Response:

    scheme, code = page.request.path_params["scheme"], page.request.path_params["code"]
    found = await class_view(page, scheme, code)
    if found is None:
        raise NotFound(f"{scheme} {code}: {page.t('error.not_found')}")
    if notice is None and page.arg("saved"):
        notice = page.t("edit.saved", version=found["version"])
    changes = [dict(change, diff=field_diff(change["before"], change["after"])) for change in found["history"]["nodes"]]
    return page.render(
        "class.html", status=status, c=found, changes=changes, filters=item_filters(page), notice=notice,
        page_size=PAGE_SIZE,
    )  # fmt: skip


def field_diff(before: Any, after: Any) -> list[dict[str, Any]]:
    """The fields a change touched, each with its value before and after (display only)."""
    old, new = json_value(before), json_value(after)
    rows = []
    for key in sorted(set(old) | set(new)):
        if key in ("version",) or old.get(key) == new.get(key):
            continue
        rows.append({"field": key, "before": _shown(old.get(key)), "after": _shown(new.get(key))})
    return rows


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
