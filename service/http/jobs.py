"""HTTP routes of bulk matching jobs, for scripts (`curl -F file=@catalog.xlsx .../jobs`):

    POST /jobs               a multipart form with the file in `file`, or the raw file with ?filename=
    GET  /jobs               every job
    GET  /jobs/{id}          state, progress and counts
    POST /jobs/{id}/cancel
    GET  /jobs/{id}/result   the output file, once the job is done
    DELETE /jobs/{id}        the job and its files (not while it runs)

Options, as form fields or query parameters: scheme, kind, limit, column (FIELD=HEADER, repeated),
encoding, sheet, chunk_size, format (csv, xlsx, jsonl, parquet). Every call needs an API key
with the `jobs` permission. Errors have the shape GraphQL errors have:
`{"errors": [{"message": ..., "extensions": {"code": ...}}]}`.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from common.errors import CpmsError
from service.auth import Principal, request_principal
from service.errors import error_response
from service.http.uploads import received_upload
from service.jobs.runner import Jobs
from service.text_input import check_text

Handler = Callable[[Request], Awaitable[Response]]
_LISTS = {"column": "columns"}
_RENAMED = {"format": "output_format"}


def upload_options(fields: dict[str, list[str]]) -> dict[str, Any]:
    """Form fields or query parameters as `JobOptions` values: `column` repeats, the rest do not."""
    options: dict[str, Any] = {}
    for key, values in fields.items():
        if key in _LISTS:
            options[_LISTS[key]] = values
        else:
            options[_RENAMED.get(key, key)] = values[-1]
    return options


async def caller(request: Request) -> Principal:
    """Who is calling, authenticated as on /graphql; jobs need the `jobs` permission."""
    state, authorization = request.app.state, request.headers.get("authorization")
    principal = await request_principal(authorization, state.store, True, state.store_watch, state.keys)
    principal.require("jobs")
    return principal


def _errors_as_json(handler: Handler) -> Handler:
    @functools.wraps(handler)
    async def handle(request: Request) -> Response:
        try:
            return await handler(request)
        except CpmsError as exc:
            return error_response(exc)

    return handle


def _jobs(request: Request) -> Jobs:
    return request.app.state.jobs


@_errors_as_json
async def jobs_endpoint(request: Request) -> Response:
    principal = await caller(request)
    jobs = _jobs(request)
    if request.method == "GET":
        return JSONResponse({"jobs": [jobs.view(j) for j in await asyncio.to_thread(jobs.all, principal)]})
    async with received_upload(request, jobs.config.max_upload_bytes) as upload:
        check_text(upload.filename, "filename")
        check_text(upload.fields, "fields")
        options = upload_options(upload.fields)
        job = await asyncio.to_thread(jobs.submit, upload.file, upload.filename, options, principal)
    return JSONResponse(jobs.view(job), 201, headers={"location": f"/jobs/{job.id}"})


@_errors_as_json
async def job_endpoint(request: Request) -> Response:
    jobs, principal = _jobs(request), await caller(request)
    act = jobs.delete if request.method == "DELETE" else jobs.get
    job = await asyncio.to_thread(act, request.path_params["id"], principal)
    return JSONResponse({"deleted": job.id} if request.method == "DELETE" else jobs.view(job))


@_errors_as_json
async def cancel_job(request: Request) -> Response:
    jobs = _jobs(request)
    job = await asyncio.to_thread(jobs.cancel, request.path_params["id"], await caller(request))
    return JSONResponse(jobs.view(job))


@_errors_as_json
async def job_result(request: Request) -> Response:
    path, name = await asyncio.to_thread(_jobs(request).result, request.path_params["id"], await caller(request))
    return FileResponse(path, filename=name)


def job_routes() -> list[Route]:
    return [
        Route("/jobs", jobs_endpoint, methods=["GET", "POST"]),
        Route("/jobs/{id}", job_endpoint, methods=["GET", "DELETE"]),
        Route("/jobs/{id}/cancel", cancel_job, methods=["POST"]),
        Route("/jobs/{id}/result", job_result, methods=["GET"]),
    ]
