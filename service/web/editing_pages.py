"""Changing the ontology: class edits with the expected version (a conflict shows the other
editor's change beside what you typed), deprecation, mappings, template entries, change requests
and releases. Every write is a GraphQL mutation run as the signed-in key's holder."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

from common.errors import InvalidInput, NotFound, VersionConflict
from service.web.base import Page, Routes, Web, redirect
from service.web.ontology_pages import class_page

EDITABLE = """query($scheme: String!, $code: String!, $lang: String) {
  class(scheme: $scheme, code: $code) {
    scheme code label(lang: $lang) version status
    labels { zhHans zhHant en } definition { zhHans zhHant en }
    synonyms { text lang source }
    mappings { relation target { scheme code } }
    template { property { code label(lang: $lang) dataType version } }
    history(first: 100) { totalCount nodes { at actor reason action } }
  }
  schemes { code }
}"""
UPDATE = """mutation($reason: String!, $scheme: String!, $code: String!, $version: Int!,
                  $labels: LabelsInput, $definition: LabelsInput, $synonyms: [SynonymInput!]) {
  updateClass(reason: $reason, scheme: $scheme, code: $code, expectedVersion: $version,
              labels: $labels, definition: $definition, synonyms: $synonyms) { ok class { version } }
}"""
DEPRECATE = """mutation($reason: String!, $scheme: String!, $code: String!, $version: Int!, $replacedBy: String) {
  deprecateClass(reason: $reason, scheme: $scheme, code: $code, expectedVersion: $version, replacedBy: $replacedBy) {
    ok class { version } }
}"""
MAPPING = """mutation($reason: String!, $scheme: String!, $code: String!, $version: Int!, $toScheme: String!,
                   $toCode: String!, $relation: SkosRelation!, $remove: Boolean) {
  setMapping(reason: $reason, scheme: $scheme, fromCode: $code, expectedVersion: $version, toScheme: $toScheme,
             toCode: $toCode, relation: $relation, remove: $remove) { ok class { version } }
}"""
ATTACH = """mutation($reason: String!, $scheme: String!, $code: String!, $version: Int!, $property: String!,
                  $required: Boolean) {
  attachProperty(reason: $reason, scheme: $scheme, classCode: $code, expectedVersion: $version,
                 property: $property, required: $required) { ok class { version } }
}"""
ADD_VALUES = """mutation($reason: String!, $scheme: String!, $property: String!, $version: Int!,
                      $values: [ValueInput!]!) {
  addValues(reason: $reason, scheme: $scheme, property: $property, expectedVersion: $version, values: $values) {
    ok property { version } }
}"""
PROPOSE = """mutation($kind: ChangeRequestKind!, $scheme: String!, $target: String, $payload: JSONString!,
                   $reason: String!) {
  proposeChange(kind: $kind, scheme: $scheme, target: $target, payload: $payload, reason: $reason) { ok request { id } }
}"""
REQUESTS = """query($status: ChangeRequestStatus, $after: String) {
  changeRequests(status: $status, first: 20, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id kind scheme target payload reason proposer status createdAt decidedBy decisionReason }
  }
}"""
APPROVE = "mutation($id: ID!, $reason: String!) { approveChangeRequest(id: $id, reason: $reason) { ok } }"
REJECT = "mutation($id: ID!, $reason: String!) { rejectChangeRequest(id: $id, reason: $reason) { ok } }"
SCHEMES = "query($lang: String) { schemes { code name(lang: $lang) } }"
RELEASES = "query($scheme: String!) { releases(scheme: $scheme) { number publishedAt actor note concepts } }"
PUBLISH = "mutation($scheme: String!, $note: String!) { publishRelease(scheme: $scheme, note: $note) { ok number } }"
DIFF = """query($scheme: String!, $from: Int!, $to: Int!) {
  releaseDiff(scheme: $scheme, from: $from, to: $to) { fromNumber toNumber added changed deprecated removed }
}"""


def routes(web: Web) -> Routes:
    return [
        ("/classes/{scheme}/{code}/edit", web.view(edit), ["GET", "POST"]),
        ("/classes/{scheme}/{code}/deprecate", web.view(deprecate), ["POST"]),
        ("/classes/{scheme}/{code}/mapping", web.view(mapping), ["POST"]),
        ("/classes/{scheme}/{code}/attach", web.view(attach), ["POST"]),
        ("/classes/{scheme}/{code}/values", web.view(add_value), ["POST"]),
        ("/classes/{scheme}/{code}/propose", web.view(propose), ["GET", "POST"]),
        ("/requests", web.view(requests), ["GET"]),
        ("/requests/{id}/decide", web.view(decide), ["POST"]),
        ("/releases", web.view(release_schemes), ["GET"]),
        ("/releases/{scheme}", web.view(releases), ["GET", "POST"]),
        ("/releases/{scheme}/diff", web.view(release_diff), ["GET"]),
    ]


def _target(page: Page) -> tuple[str, str]:
    return page.request.path_params["scheme"], page.request.path_params["code"]


def _labels(page: Page, prefix: str) -> dict[str, str | None] | None:
    values = {key: page.field(f"{prefix}_{key}") or None for key in ("zhHans", "zhHant", "en")}
    return values if any(values.values()) else None


def parse_synonyms(text: str) -> list[dict[str, str]]:
    """One synonym a line, `text|lang|source` (lang and source may be left out)."""
    synonyms = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split("|")]
        if not parts[0]:
            continue
        entry = {"text": parts[0], "lang": parts[1] if len(parts) > 1 and parts[1] else "zh-Hans"}
        if len(parts) > 2 and parts[2]:
            entry["source"] = parts[2]
        synonyms.append(entry)
    return synonyms


def synonyms_text(synonyms: list[dict[str, Any]]) -> str:
    return "\n".join("|".join([s["text"], s["lang"], *([s["source"]] if s.get("source") else [])]) for s in synonyms)


def _typed(page: Page) -> dict[str, Any]:
    """What the editor sent, as the form shows it again."""
    return {
        "labels": {k: page.field(f"labels_{k}") for k in ("zhHans", "zhHant", "en")},
        "definition": {k: page.field(f"definition_{k}") for k in ("zhHans", "zhHant", "en")},
        "synonyms": page.field("synonyms"),
        "reason": page.field("reason"),
    }


def _form_values(current: dict[str, Any]) -> dict[str, Any]:
    return {
        "labels": {k: current["labels"].get(k) or "" for k in ("zhHans", "zhHant", "en")},
        "definition": {k: (current["definition"] or {}).get(k) or "" for k in ("zhHans", "zhHant", "en")},
        "synonyms": synonyms_text(current["synonyms"]),
        "reason": "",
    }


async def _editable(page: Page) -> tuple[dict[str, Any], list[dict[str, Any]]]:

    scheme, code = _target(page)
    data = await page.graph(EDITABLE, scheme=scheme, code=code, lang=page.lang)
    if data["class"] is None:
        raise NotFound(f"{scheme} {code}: {page.t('error.not_found')}")
    return data["class"], data["schemes"]


def _version(page: Page) -> int:
    text = page.field("version")
    if not text.isdigit():
        raise InvalidInput("the form lost the version it was read at; reload the page", field="version")
    return int(text)


async def edit(page: Page) -> Response:
    page.principal.require("curate")
    scheme, code = _target(page)
    if page.request.method == "GET":
        current, schemes = await _editable(page)
        form = _form_values(current)
        return page.render("edit.html", c=current, schemes=schemes, form=form, version=current["version"])
    try:
        await page.graph(
            UPDATE, reason=page.field("reason"), scheme=scheme, code=code, version=_version(page),
            labels=_labels(page, "labels"), definition=_labels(page, "definition"),
            synonyms=parse_synonyms(page.field("synonyms")),
        )  # fmt: skip
    except VersionConflict:
        current, schemes = await _editable(page)
        last = current["history"]["nodes"][-1] if current["history"]["nodes"] else None
        return page.render(
            "edit.html", status=409, c=current, schemes=schemes, form=_typed(page), version=current["version"],
            theirs=_form_values(current), last=last,
        )  # fmt: skip
    except InvalidInput as exc:
        current, schemes = await _editable(page)
        return page.render(
            "edit.html", status=400, c=current, schemes=schemes, form=_typed(page), version=_version(page),
            error=exc.message,
        )  # fmt: skip
    return redirect(f"/classes/{scheme}/{code}?saved=1")


async def deprecate(page: Page) -> Response:
    scheme, code = _target(page)
    await page.graph(
        DEPRECATE, reason=page.field("reason"), scheme=scheme, code=code, version=_version(page),
        replacedBy=page.field("replaced_by") or None,
    )  # fmt: skip
    return redirect(f"/classes/{scheme}/{code}?saved=1")


async def mapping(page: Page) -> Response:
    scheme, code = _target(page)
    await page.graph(
        MAPPING, reason=page.field("reason"), scheme=scheme, code=code, version=_version(page),
        toScheme=page.field("to_scheme"), toCode=page.field("to_code"), relation=page.field("relation"),
        remove=page.field("remove") == "1",
    )  # fmt: skip
    return redirect(f"/classes/{scheme}/{code}?saved=1")


async def attach(page: Page) -> Response:
    scheme, code = _target(page)
    await page.graph(
        ATTACH, reason=page.field("reason"), scheme=scheme, code=code, version=_version(page),
        property=page.field("property"), required=page.field("required") == "1",
    )  # fmt: skip
    return redirect(f"/classes/{scheme}/{code}?saved=1")


async def add_value(page: Page) -> Response:
    """A value for an enum property of the class's template (the property's version is expected)."""
    scheme, code = _target(page)
    labels = {"zhHans": page.field("value_zhHans") or None, "en": page.field("value_en") or None}
    await page.graph(
        ADD_VALUES, reason=page.field("reason"), scheme=scheme, property=page.field("property"),
        version=_version(page), values=[{"code": page.field("value_code"), "labels": labels}],
    )  # fmt: skip
    return redirect(f"/classes/{scheme}/{code}?saved=1")


async def propose(page: Page) -> Response:
    page.principal.require("propose")
    scheme, code = _target(page)
    if page.request.method == "GET":
        current, _ = await _editable(page)
        return page.render("propose.html", c=current, error=None)
    kind = page.field("kind")
    if kind == "add_synonym":
        payload: dict[str, Any] = {"text": page.field("synonym"), "lang": page.field("lang") or "zh-Hans"}
    else:
        payload = {"labels": {"zh-Hans": page.field("labels_zhHans") or None, "en": page.field("labels_en") or None}}
    try:
        await page.graph(
            PROPOSE, kind=kind, scheme=scheme, target=code, payload=json.dumps(payload, ensure_ascii=False),
            reason=page.field("reason"),
        )  # fmt: skip
    except InvalidInput as exc:
        current, _ = await _editable(page)
        return page.render("propose.html", status=400, c=current, error=exc.message)
    return await class_page(page, notice=page.t("propose.sent"))


async def requests(page: Page) -> Response:
    status = page.arg("status", "open") or None
    data = await page.graph(REQUESTS, status=None if status == "all" else status, after=page.arg("after") or None)
    listed = [dict(r, payload_text=_payload_text(r["payload"])) for r in data["changeRequests"]["nodes"]]
    return page.render("requests.html", requests=listed, conn=data["changeRequests"], shown=status)


def _payload_text(payload: Any) -> str:
    while isinstance(payload, str):
        try:
            payload = json.loads(payload)
        except ValueError:
            break
    return json.dumps(payload, ensure_ascii=False) if not isinstance(payload, str) else payload


async def decide(page: Page) -> Response:
    request_id = page.request.path_params["id"]
    document = APPROVE if page.field("decision") == "approve" else REJECT
    await page.graph(document, id=request_id, reason=page.field("comment"))
    return redirect("/requests?status=" + (page.field("back") or "open"))


async def release_schemes(page: Page) -> Response:
    data = await page.graph(SCHEMES, lang=page.lang)
    return page.render("release_schemes.html", schemes=data["schemes"])


async def releases(page: Page) -> Response:
    scheme = page.request.path_params["scheme"]
    notice = None
    if page.request.method == "POST":
        published = await page.graph(PUBLISH, scheme=scheme, note=page.field("note"))
        return redirect(f"/releases/{scheme}?published={published['publishRelease']['number']}")
    if page.arg("published"):
        notice = page.t("releases.published", n=page.arg("published"))
    data = await page.graph(RELEASES, scheme=scheme)
    listed = sorted(data["releases"], key=lambda r: r["number"], reverse=True)
    return page.render("releases.html", scheme=scheme, releases=listed, notice=notice, diff=None)


async def release_diff(page: Page) -> Response:
    scheme = page.request.path_params["scheme"]
    start, end = page.arg("from"), page.arg("to")
    if not (start.isdigit() and end.isdigit()):
        raise InvalidInput("choose two release numbers to compare", field="from")
    diff = (await page.graph(DIFF, scheme=scheme, **{"from": int(start), "to": int(end)}))["releaseDiff"]
    data = await page.graph(RELEASES, scheme=scheme)
    listed = sorted(data["releases"], key=lambda r: r["number"], reverse=True)
    return page.render("releases.html", scheme=scheme, releases=listed, notice=None, diff=diff)
