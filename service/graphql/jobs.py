"""GraphQL for bulk matching jobs: `JobsQuery` (job, jobs) and `JobsMutation` (submitMatchJob,
cancelJob, deleteJob). The file arrives as a GraphQL multipart request (service/http/uploads.py,
`read_graphql_multipart`); the result is downloaded from `resultUrl`. Jobs need the `jobs`
permission."""

from __future__ import annotations

from typing import Any, NoReturn

import graphene
from graphql import GraphQLError, GraphQLResolveInfo, ValueNode
from starlette.datastructures import UploadFile

from common.errors import InvalidInput
from service.graphql.context import ctx
from service.graphql.payloads import MutationPayload, mutation
from service.jobs.runner import Jobs
from service.jobs.store import Job


class Upload(graphene.Scalar):
    """A file sent in a GraphQL multipart request; give it as a variable."""

    @staticmethod
    def serialize(value: object) -> NoReturn:
        raise GraphQLError("an Upload is an input only")

    @staticmethod
    def parse_literal(node: ValueNode, _variables: dict[str, Any] | None = None) -> NoReturn:
        raise GraphQLError("give an Upload as a variable of a multipart request")

    @staticmethod
    def parse_value(value: object) -> object:
        return value


class StatusCount(graphene.ObjectType):
    status = graphene.String(required=True, description="matched, review, no_match or error")
    count = graphene.Int(required=True)


class MatchJob(graphene.ObjectType):
    id = graphene.ID(required=True)
    filename = graphene.String(required=True, description="the uploaded file's name")
    owner = graphene.String(description="who submitted it")
    state = graphene.String(required=True, description="queued, running, done, failed or cancelled")
    progress = graphene.Float(required=True, description="share of the input read, 0 to 1")
    rows = graphene.Int(required=True, description="rows matched so far")
    rows_per_second = graphene.Float(required=True)
    counts = graphene.List(graphene.NonNull(StatusCount), required=True, description="rows per status so far")
    blank_rows = graphene.Int(required=True, description="blank input rows, skipped")
    error = graphene.String(description="why the job failed")
    output_format = graphene.String(required=True)
    created_at = graphene.String(required=True, description="ISO 8601")
    started_at = graphene.String()
    finished_at = graphene.String()
    settings = graphene.JSONString(required=True, description="the settings that decide the output")
    result_url = graphene.String(description="where to download the output, once done")
    expires_at = graphene.String(description="when the finished job and its files are deleted (ISO 8601)")

    @staticmethod
    def from_job(jobs: Jobs, job: Job) -> MatchJob:
        view = jobs.view(job)
        view["counts"] = [StatusCount(status=s, count=c) for s, c in job.counts.items()]
        return MatchJob(**view)


def _jobs(info: GraphQLResolveInfo) -> Jobs:
    ctx(info).principal.require("jobs")
    return ctx(info).app.state.jobs


class JobsQuery(graphene.ObjectType):
    job = graphene.Field(MatchJob, id=graphene.ID(required=True), description="a bulk matching job")
    jobs = graphene.List(
        graphene.NonNull(MatchJob),
        required=True,
        description="your bulk matching jobs (an editor sees all), oldest first",
    )

    @staticmethod
    async def resolve_job(root: object, info: GraphQLResolveInfo, id: str) -> Any:
        jobs = _jobs(info)
        return MatchJob.from_job(jobs, await ctx(info).call(jobs.get, id, ctx(info).principal))

    @staticmethod
    async def resolve_jobs(root: object, info: GraphQLResolveInfo) -> Any:
        jobs = _jobs(info)
        return [MatchJob.from_job(jobs, j) for j in await ctx(info).call(jobs.all, ctx(info).principal)]


class MatchJobPayload(MutationPayload):
    job = graphene.Field(MatchJob)


class DeleteJobPayload(MutationPayload):
    id = graphene.ID(description="the deleted job's")


class JobsMutation(graphene.ObjectType):
    submit_match_job = graphene.Field(
        MatchJobPayload,
        required=True,
        file=graphene.Argument(Upload, required=True, description="the catalog: CSV, TSV, XLSX, JSONL or Parquet"),
        scheme=graphene.String(description="CPMS (default), UNSPSC, GPC or HS"),
        kind=graphene.String(description="class (default) or item"),
        limit=graphene.Int(description="candidates per row (default 5)"),
        columns=graphene.List(graphene.NonNull(graphene.String), description="FIELD=HEADER, such as name=品名"),
        encoding=graphene.String(description="of a CSV or TSV file (default: detected)"),
        sheet=graphene.String(description="of an XLSX workbook (default: the first)"),
        output_format=graphene.String(description="csv (default), xlsx, jsonl or parquet"),
        description="match every row of a catalog file in the background",
    )
    cancel_job = graphene.Field(MatchJobPayload, required=True, id=graphene.ID(required=True))
    delete_job = graphene.Field(
        DeleteJobPayload,
        required=True,
        id=graphene.ID(required=True),
        description="delete a job with its files (a running job must be cancelled first)",
    )

    @staticmethod
    @mutation(MatchJobPayload)
    async def resolve_submit_match_job(
        root: object, info: GraphQLResolveInfo, file: object, **options: Any
    ) -> MatchJobPayload:
        if not isinstance(file, UploadFile):
            raise InvalidInput("send the file as a GraphQL multipart request", field="file")
        jobs, owner = _jobs(info), ctx(info).principal
        job = await ctx(info).call(jobs.submit, file.file, file.filename or "upload", options, owner)
        return MatchJobPayload(ok=True, user_errors=[], job=MatchJob.from_job(jobs, job))

    @staticmethod
    @mutation(MatchJobPayload)
    async def resolve_cancel_job(root: object, info: GraphQLResolveInfo, id: str) -> MatchJobPayload:
        jobs = _jobs(info)
        job = await ctx(info).call(jobs.cancel, id, ctx(info).principal)
        return MatchJobPayload(ok=True, user_errors=[], job=MatchJob.from_job(jobs, job))

    @staticmethod
    @mutation(DeleteJobPayload)
    async def resolve_delete_job(root: object, info: GraphQLResolveInfo, id: str) -> DeleteJobPayload:
        job = await ctx(info).call(_jobs(info).delete, id, ctx(info).principal)
        return DeleteJobPayload(ok=True, user_errors=[], id=job.id)
