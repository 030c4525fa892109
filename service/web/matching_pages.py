"""Matching in the workbench: the playground, bulk jobs with live progress, and the review queue
of a job's `review` and `no_match` rows. Matches and confirmations go through the schema; jobs
and their review queues through `Jobs` with the caller as viewer, as the `/jobs` routes do."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from starlette.datastructures import UploadFile
from starlette.responses import FileResponse, Response

from common.errors import InvalidInput, NotFound, Unavailable
from ontology.registry.products import RegistrationRefused
from service.jobs.review import Reviewer, ReviewRow
from service.jobs.runner import Jobs
from service.jobs.store import JobState
from service.web.base import Page, Routes, Web, json_value, redirect

MAX_LINES = 20  # records per playground run
MATCH = """query($text: String!, $scheme: String, $lang: String) {
  match(record: {text: $text}, scheme: $scheme, limit: 5) {
    text readAs decision warnings missingRequired
    values { property label value number unit text source }
    conflicts { property record expected reason }
    candidates { code label score matchedText matchedSource matchedTerms replaces
      attributes { key record candidate agrees } class { label(lang: $lang) ancestors { label(lang: $lang) } } }
  }
}"""
CONFIRM = """mutation($text: String!, $scheme: String!, $code: String!) {
  confirmMatch(record: {text: $text}, scheme: $scheme, code: $code) { ok exampleId }
}"""
CORRECT = """mutation($text: String!, $scheme: String!, $wrong: String!, $code: String!) {
  correctMatch(record: {text: $text}, scheme: $scheme, wrongCode: $wrong, code: $code) { ok exampleId }
}"""
JOBS = """{ jobs { id filename owner state progress rows rowsPerSecond counts { status count } outputFormat
  createdAt finishedAt error } }"""
JOB = """query($id: ID!) { job(id: $id) { id filename owner state progress rows rowsPerSecond
  counts { status count } blankRows outputFormat createdAt startedAt finishedAt error settings } }"""
SUBMIT = """mutation($file: Upload!, $scheme: String, $format: String) {
  submitMatchJob(file: $file, scheme: $scheme, outputFormat: $format) { ok job { id } }
}"""
SCHEMES = "query($lang: String) { schemes { code name(lang: $lang) } }"
REGISTER = """mutation($id: ID!, $firm: String, $skip: Boolean, $reason: String!) {
  registerJobProducts(jobId: $id, firm: $firm, skipUndecided: $skip, reason: $reason) { ok state }
}"""
REGISTRATION = """query($id: ID!) { jobRegistration(jobId: $id) {
  state firm by startedAt finishedAt created updated unchanged skippedRows error
  refusedRows { row sku problems { kind property message } } } }"""


def routes(web: Web) -> Routes:
    return [
        ("/playground", web.view(playground), ["GET"]),
        ("/playground/feedback", web.view(feedback), ["POST"]),
        ("/batch", web.view(jobs), ["GET", "POST"]),
        ("/batch/{id}", web.view(job), ["GET"]),
        ("/batch/{id}/status", web.view(job_status), ["GET"]),
        ("/batch/{id}/result", web.view(job_result), ["GET"]),
        ("/batch/{id}/review", web.view(review), ["GET"]),
        ("/batch/{id}/review/{row:int}", web.view(review_decide), ["POST"]),
        ("/batch/{id}/review/accept", web.view(review_accept), ["POST"]),
        ("/batch/{id}/reviewed", web.view(reviewed_result), ["GET"]),
        ("/batch/{id}/register", web.view(register), ["POST"]),
        ("/batch/{id}/registration", web.view(registration_status), ["GET"]),
    ]


# -- playground


async def playground(page: Page) -> Response:
    text, scheme = page.arg("text"), page.arg("scheme") or "CPMS"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    error = page.t("match.too_many", n=MAX_LINES) if len(lines) > MAX_LINES else None
    results = []
    if lines and error is None:
        try:
            for line in lines:
                results.append((await page.graph(MATCH, text=line, scheme=scheme, lang=page.lang))["match"])
        except Unavailable:
            error = page.t("match.not_ready")
    schemes = (await page.graph(SCHEMES, lang=page.lang))["schemes"]
    return page.render(
        "playground.html", text=text, scheme=scheme, results=list(zip(lines, results, strict=False)),
        schemes=schemes, error=error,
    )  # fmt: skip


async def feedback(page: Page) -> Response:
    """Confirm the top candidate or correct to another: an htmx fragment saying it was learnt."""
    text, scheme, code, wrong = page.field("text"), page.field("scheme"), page.field("code"), page.field("wrong")
    if wrong and wrong != code:
        await page.graph(CORRECT, text=text, scheme=scheme, wrong=wrong, code=code)
    else:
        await page.graph(CONFIRM, text=text, scheme=scheme, code=code)
    return page.render("learned.html", code=code)


# -- jobs


def _jobs(page: Page) -> Jobs:
    return page.request.app.state.jobs


async def open_review_rows(page: Page) -> int:
    """Undecided review and no_match rows of the finished jobs the caller may see."""
    jobs = _jobs(page)

    def count() -> int:
        total = 0
        for listed in jobs.all(page.principal):
            if listed.state is JobState.done:
                pending = sum(listed.counts.get(s, 0) for s in ("review", "no_match"))
                decided = len(jobs.review(listed.id, page.principal).decisions())
                total += max(pending - decided, 0)
        return total

    return await asyncio.to_thread(count)


async def jobs(page: Page) -> Response:
    if page.request.method == "POST":
        upload = page.form.get("file") if page.form is not None else None
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidInput(page.t("batch.file"), field="file")
        answer = await page.graph(
            SUBMIT, file=upload, scheme=page.field("scheme") or None, format=page.field("format") or None
        )
        return redirect(f"/batch/{answer['submitMatchJob']['job']['id']}")
    listed = (await page.graph(JOBS))["jobs"]
    schemes = (await page.graph(SCHEMES, lang=page.lang))["schemes"]
    return page.render("batch.html", jobs=list(reversed(listed)), schemes=schemes)


async def _job(page: Page) -> dict[str, Any]:

    found = (await page.graph(JOB, id=page.request.path_params["id"]))["job"]
    if found is None:
        raise NotFound(page.t("error.not_found"))
    found["countsByStatus"] = {c["status"]: c["count"] for c in found["counts"]}
    found["settings_scheme"] = json_value(found["settings"]).get("scheme", "CPMS")
    return found


async def _review_progress(page: Page, found: dict[str, Any]) -> tuple[int, int] | None:
    if found["state"] != "done":
        return None
    review_queue = _jobs(page).review(found["id"], page.principal)
    return await asyncio.to_thread(review_queue.progress)


async def job(page: Page) -> Response:
    found = await _job(page)
    return page.render("job.html", job=found, progress=await _review_progress(page, found),
                       registration=await _registration(page, found))  # fmt: skip


async def job_status(page: Page) -> Response:
    """The job's live part, polled by htmx until the job has finished."""
    found = await _job(page)
    return page.render("job_status.html", job=found, progress=await _review_progress(page, found))


async def job_result(page: Page) -> Response:
    page.principal.require("jobs")
    path, name = await asyncio.to_thread(_jobs(page).result, page.request.path_params["id"], page.principal)
    return FileResponse(path, filename=name)


# -- registration of a job's reviewed rows as a firm's products (docs/registry.md)


async def _registration(page: Page, found: dict[str, Any]) -> dict[str, Any] | None:
    if found["state"] != "done" or not page.can("products"):
        return None
    registered: dict[str, Any] | None = (await page.graph(REGISTRATION, id=found["id"]))["jobRegistration"]
    return registered


async def register(page: Page) -> Response:
    """Start the registration; the job's page then shows it as it goes and how it ended (a refusal
    with every row at fault)."""
    found = await _job(page)
    variables = {"id": found["id"], "firm": page.field("firm") or None, "reason": page.field("reason"),
                 "skip": page.field("skip_undecided") == "on"}  # fmt: skip
    if not variables["reason"]:
        raise InvalidInput(page.t("register.reason_needed"), field="reason")
    with contextlib.suppress(RegistrationRefused):  # kept with the registration: the page names the rows
        await page.graph(REGISTER, **variables)
    return redirect(f"/batch/{found['id']}")


async def registration_status(page: Page) -> Response:
    """The registration's part of the job's page, polled by htmx while it runs."""
    found = await _job(page)
    return page.render("registration.html", job=found, registration=await _registration(page, found))


# -- review


def _reviewer(page: Page) -> Reviewer:
    return Reviewer(id=page.principal.key_id or page.principal.name, name=page.principal.name)


async def _review_page(page: Page, after: int = 0, notice: str | None = None, status: int = 200) -> Response:
    found = await _job(page)
    review_queue = _jobs(page).review(found["id"], page.principal)
    row = await asyncio.to_thread(review_queue.next_row, _reviewer(page), after)
    done, total = await asyncio.to_thread(review_queue.progress)
    reasons = await _reasons(page, row, found["settings_scheme"]) if row is not None else {}
    return page.render(
        "review.html", status=status, job=found, row=row, done=done, total=total, notice=notice,
        scheme=found["settings_scheme"], reasons=reasons,
    )  # fmt: skip


async def _reasons(page: Page, row: ReviewRow, scheme: str) -> dict[str, dict[str, Any]]:
    """Why each candidate of the row matched, by code: the record matched again now (the job kept
    only codes and scores). Empty while the matcher is being built."""
    try:
        result = (await page.graph(MATCH, text=row.input or row.text, scheme=scheme, lang=page.lang))["match"]
    except Unavailable:
        return {}
    return {c["code"]: c for c in result["candidates"]}


async def review(page: Page) -> Response:
    page.principal.require("feedback")
    after = page.arg("after")
    return await _review_page(page, int(after) if after.isdigit() else 0)


async def review_decide(page: Page) -> Response:
    """A decision on one row (a candidate's number, `none`, or `skip`); then the next row."""
    page.principal.require("feedback")
    found = await _job(page)
    number = page.request.path_params["row"]
    choice_text = page.field("choice")
    if choice_text == "skip":
        return redirect(f"/batch/{found['id']}/review?after={number}")
    choice = None if choice_text == "none" else int(choice_text) if choice_text.isdigit() else -1
    review_queue = _jobs(page).review(found["id"], page.principal)
    decision, new = await asyncio.to_thread(review_queue.decide, number, choice, _reviewer(page))
    if new and decision.code:
        await _learn(page, review_queue.row(number), found["settings_scheme"], decision.code)
    return redirect(f"/batch/{found['id']}/review?after={number}")


async def _learn(page: Page, row: ReviewRow, scheme: str, code: str) -> None:
    """The decision teaches the matcher: a confirmation of the top candidate, else a correction."""
    text = row.input or row.text
    top = row.candidates[0]["code"] if row.candidates else None
    if top and top != code:
        await page.graph(CORRECT, text=text, scheme=scheme, wrong=top, code=code)
    else:
        await page.graph(CONFIRM, text=text, scheme=scheme, code=code)


async def review_accept(page: Page) -> Response:
    page.principal.require("feedback")
    found = await _job(page)
    try:
        min_score = float(page.field("min_score"))
    except ValueError:
        raise InvalidInput("give the lowest top score to accept, 0 to 100", field="min_score") from None
    review_queue = _jobs(page).review(found["id"], page.principal)
    accepted = await asyncio.to_thread(review_queue.accept_above, min_score, _reviewer(page))
    for decision in accepted:
        if decision.code:
            await _learn(page, review_queue.row(decision.row), found["settings_scheme"], decision.code)
    return await _review_page(page, notice=page.t("review.accepted", n=len(accepted)))


async def reviewed_result(page: Page) -> Response:
    found = await _job(page)
    review_queue = _jobs(page).review(found["id"], page.principal)
    target = review_queue.folder / f"reviewed.{found['outputFormat']}"
    await asyncio.to_thread(review_queue.write_reviewed, target)
    stem = found["filename"].rsplit(".", 1)[0]
    return FileResponse(target, filename=f"{stem}.reviewed.{found['outputFormat']}")
