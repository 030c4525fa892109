"""Uploaded files, received as streams with a size limit enforced while they arrive: a raw body,
a multipart form, or a GraphQL multipart request (the GraphQL multipart request spec:
`operations`, `map`, then the files)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from tempfile import SpooledTemporaryFile
from typing import IO, Any

from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from common.errors import InvalidInput
from service.errors import TooLarge
from service.http.json_body import parse_json

SPOOL_BYTES = 1 << 20  # an upload larger than this goes to a temporary file


@dataclass
class Upload:
    filename: str
    file: IO[bytes]  # at its start
    fields: dict[str, list[str]]  # the form's other fields, or the query parameters


def check_declared_size(request: Request, max_bytes: int, what: str = "upload") -> None:
    """Refuse a body whose Content-Length is over `max_bytes` before any of it is read (one sent
    without a length is stopped while it arrives, by `limited_stream`)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large(max_bytes, what)


async def limited_stream(request: Request, max_bytes: int) -> AsyncGenerator[bytes]:
    """The request body, failing as soon as it is over `max_bytes`."""
    check_declared_size(request, max_bytes)
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > max_bytes:
            raise too_large(max_bytes)
        yield chunk


def too_large(max_bytes: int, what: str = "upload") -> TooLarge:
    setting = " (CPMS_MAX_UPLOAD_BYTES)" if what == "upload" else ""
    return TooLarge(
        f"请求内容超过 {max_bytes:,} 字节；the {what} is over the limit of {max_bytes:,} bytes{setting}",
        field=what,
        limit=max_bytes,
    )


def is_multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").startswith("multipart/form-data")


async def read_form(request: Request, max_bytes: int) -> FormData:
    parser = MultiPartParser(request.headers, limited_stream(request, max_bytes), max_files=10)
    try:
        return await parser.parse()
    except MultiPartException as exc:
        raise InvalidInput(f"a malformed multipart upload: {exc.message}") from exc


@asynccontextmanager
async def received_upload(request: Request, max_bytes: int) -> AsyncIterator[Upload]:
    """A multipart form with a `file` field, or a raw body named by `?filename=`; its temporary
    files are closed on leaving."""
    if is_multipart(request):
        form = await read_form(request, max_bytes)
        try:
            file = form.get("file")
            if not isinstance(file, UploadFile):
                raise InvalidInput("the form has no file field named 'file'", field="file")
            fields = {key: [str(v) for v in form.getlist(key)] for key in form if key != "file"}
            yield Upload(file.filename or "upload", file.file, fields)
        finally:
            await form.close()
        return
    filename = request.query_params.get("filename")
    if not filename:
        raise InvalidInput("name the uploaded file: POST /jobs?filename=catalog.csv", field="filename")
    with SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        async for chunk in limited_stream(request, max_bytes):
            spool.write(chunk)
        spool.seek(0)
        fields = {key: request.query_params.getlist(key) for key in request.query_params if key != "filename"}
        yield Upload(filename, spool, fields)


@asynccontextmanager
async def graphql_multipart(request: Request, max_bytes: int) -> AsyncIterator[dict[str, Any]]:
    """The GraphQL request of a multipart upload, its files (starlette `UploadFile`s, spooled to
    temporary files) put where `map` says in its variables; the files are closed on leaving:

        async with graphql_multipart(request, max_bytes) as params:
            ... execute params["query"] with params["variables"] ...
    """
    form = await read_form(request, max_bytes)
    try:
        yield _operations(form)
    finally:
        await form.close()


def _operations(form: FormData) -> dict[str, Any]:
    try:
        operations = parse_json(str(form["operations"]), "operations")
        mapping = parse_json(str(form["map"]), "map")
    except (KeyError, ValueError) as exc:
        raise InvalidInput("a GraphQL multipart request needs JSON fields 'operations' and 'map'") from exc
    if not isinstance(operations, dict) or not isinstance(mapping, dict):
        raise InvalidInput("'operations' must be one JSON object (batching is not supported) and 'map' an object")
    for key, paths in mapping.items():
        file = form.get(key)
        if not isinstance(file, UploadFile):
            raise InvalidInput(f"the map names file {key!r}, which the request does not have")
        for path in paths:
            _place(operations, str(path), file)
    return operations


def _place(operations: dict[str, Any], path: str, file: UploadFile) -> None:
    """Put `file` at `variables.file` or `variables.files.0` (the path a `map` gives)."""
    *parents, last = path.split(".")
    target: Any = operations
    try:
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            target[int(last)] = file
        elif isinstance(target, dict) and last in target:
            target[last] = file
        else:
            raise KeyError(last)
    except (KeyError, IndexError, ValueError, TypeError) as exc:
        raise InvalidInput(f"the map's path {path!r} is not in the operations") from exc
