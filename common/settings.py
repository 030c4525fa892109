"""Every setting of CPMS, read from the environment in one place.

One tree, one section per concern; each section reads the variables `CPMS_` + its own prefix +
the field name, upper-cased (`service.port` is `CPMS_PORT`, `local_neo4j.heap` is
`CPMS_NEO4J_HEAP`). The connection to an existing Neo4j keeps the names the Neo4j tools use
(`NEO4J_URI`, `NEO4J_USER`, `NEO4J_PASSWORD`, `NEO4J_DATABASE`). The README's configuration table
lists exactly these variables (tests/test_docs.py checks it both ways).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, SettingsConfigDict

from common.errors import CpmsError


class InvalidSetting(CpmsError):
    """An environment variable holds a value its setting cannot take."""

    code = "INVALID_SETTING"


def _config(prefix: str = "") -> SettingsConfigDict:
    # an empty variable counts as unset, as it did when each layer read its own
    return SettingsConfigDict(env_prefix=f"CPMS_{prefix}", env_ignore_empty=True, frozen=True, extra="ignore")


class Neo4jSettings(BaseSettings):
    """An existing Neo4j server to use instead of the local one (production, a managed service)."""

    model_config = _config()

    uri: str | None = Field(
        None, validation_alias="NEO4J_URI", description="use this Neo4j server and start none of our own"
    )
    user: str = Field("neo4j", validation_alias="NEO4J_USER", description="user on the server at `NEO4J_URI`")
    password: str | None = Field(
        None,
        validation_alias="NEO4J_PASSWORD",
        repr=False,
        description="password on the server at `NEO4J_URI`, or of the local server; if unset, the local "
        "server's is generated on first start and kept in `$CPMS_NEO4J_HOME/password` (mode 600)",
    )
    database: str = Field("neo4j", validation_alias="NEO4J_DATABASE", description="database on the Neo4j server")


class LocalNeo4jSettings(BaseSettings):
    """The project's own Neo4j server that `cpms db` manages (used unless `NEO4J_URI` is set)."""

    model_config = _config("NEO4J_")

    home: Path | None = Field(
        None,
        description="the local Neo4j instance: `conf/`, `data/`, `logs/`, `run/`, `password` "
        "(default `$CPMS_HOME/neo4j`)",
    )
    cache: Path | None = Field(None, description="where the Neo4j jars are assembled once (default `$CPMS_HOME/dist`)")
    version: str = Field("5.26.31", description="Neo4j Community version (5.26 LTS, Java 17)")
    bolt_port: int = Field(
        7687, ge=1, le=65535, description="Bolt port of the local server (listens on 127.0.0.1 only; HTTP is off)"
    )
    heap: str = Field("512m", description="Java heap of the local server")
    pagecache: str = Field("256m", description="page cache of the local server")
    transaction_memory: str = Field(
        "256m",
        description="memory the local server's open transactions may hold together (a registration of products "
        "writes 5,000 a transaction, see docs/registry.md)",
    )
    auth: bool = Field(True, description="authentication of the local server")


class ServiceSettings(BaseSettings):
    """The HTTP service: where it listens, how many processes and threads it runs."""

    model_config = _config()

    host: str = Field("127.0.0.1", description="address the API listens on")
    port: int = Field(8000, ge=0, le=65535, description="port the API listens on")
    anonymous_read: bool = Field(True, description="whether reading and matching need no API key")
    threads: int = Field(32, ge=1, description="worker threads the service waits on Neo4j with")
    workers: int = Field(
        1, ge=1, description="server processes (`--workers`); each builds its own matcher (about 350 MB)"
    )
    access_log: bool = Field(
        False, description="log a line per HTTP request (it costs about a tenth of a cheap request)"
    )
    matcher_poll_seconds: float = Field(
        5.0,
        gt=0,
        description="how often each server process looks for ontology edits and confirmed examples made by "
        "other processes",
    )
    session_secret: str | None = Field(
        None,
        repr=False,
        description="signs the workbench's session cookies; if unset, one is generated on first use and kept in "
        "`$CPMS_HOME/session_secret` (mode 600), shared by all server processes",
    )
    cpu_threads: int = Field(
        2, ge=1, description="worker threads that match (off the event loop), taking the work in turn"
    )
    shutdown_seconds: float = Field(
        3.0, ge=0, description="on SIGTERM, requests still running after this long are cancelled"
    )
    health_seconds: float = Field(
        3.0, gt=0, description="how long `/healthz` and a key lookup wait for Neo4j before answering without it"
    )
    key_memory_seconds: float = Field(
        900.0,
        ge=0,
        description="while Neo4j is down, API keys it confirmed this recently still work (docs/api.md, Without Neo4j)",
    )


class GraphQLLimits(BaseSettings):
    """What one GraphQL request may ask, checked before any work starts."""

    model_config = _config("GRAPHQL_")

    max_body_bytes: int = Field(2_000_000, ge=1, description="largest JSON request body")
    max_depth: int = Field(12, ge=1, description="deepest nesting of fields in a query")
    max_cost: int = Field(
        50_000, ge=1, description="largest estimated cost of a query (fields times the page sizes above them)"
    )
    timeout_seconds: float = Field(
        30.0, gt=0, description="time a request, and the matching it started, may run before it is stopped"
    )
    max_query_chars: int = Field(
        200_000, ge=1, description="characters in a GraphQL document (large inputs go in variables)"
    )
    max_tokens: int = Field(10_000, ge=1, description="tokens in a document, comments included: parsing stops there")
    max_literal_chars: int = Field(
        10_000, ge=1, description="characters in one string written in a document (large inputs go in variables)"
    )
    max_fields: int = Field(500, ge=1, description="fields, fragment spreads and inline fragments in a document")
    max_aliases: int = Field(100, ge=0, description="aliased fields in a document")
    max_repeats: int = Field(
        5, ge=1, description="fields of one name or alias in one selection (validation compares them in pairs)"
    )
    max_fragments: int = Field(50, ge=0, description="fragment definitions in a document")
    inline_query_chars: int = Field(
        2_000, ge=0, description="a new document up to this long is read on the event loop, a longer one in a worker"
    )
    max_cached_document_bytes: int = Field(
        32 << 20, ge=0, description="memory the cache of accepted documents may hold (estimated from their tokens)"
    )
    max_field_chars: int = Field(
        2_000, ge=1, description="characters in one field of a record to match (text, name, ... a column's value)"
    )
    max_columns: int = Field(64, ge=1, description="columns in one record to match")


class JobsSettings(BaseSettings):
    """Bulk matching jobs that the service runs in the background (see docs/bulk.md)."""

    model_config = _config()

    max_upload_bytes: int = Field(1 << 30, ge=1, description="largest catalog a bulk job accepts (1 GiB)")
    job_workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        ge=0,
        description="processes a bulk job matches with (default one per core; `0`: in the service's process)",
    )
    ontology_snapshot: Path | None = Field(
        None, description="an ontology export bulk jobs match against instead of the live store"
    )
    job_retention_days: float = Field(
        7.0, ge=0, description="days a finished bulk job and its files are kept (`0`: until deleted)"
    )


class Settings(BaseSettings):
    """The whole tree. `load_settings()` reads it from the environment."""

    model_config = _config()

    home: Path = Field(Path(".cpms"), description="state folder (git-ignored): the local Neo4j, the jar cache, jobs")
    neo4j: Neo4jSettings = Field(default_factory=Neo4jSettings, description="an existing Neo4j server")
    local_neo4j: LocalNeo4jSettings = Field(default_factory=LocalNeo4jSettings, description="the local Neo4j")
    service: ServiceSettings = Field(default_factory=ServiceSettings, description="the HTTP service")
    graphql: GraphQLLimits = Field(default_factory=GraphQLLimits, description="limits on a GraphQL request")
    jobs: JobsSettings = Field(default_factory=JobsSettings, description="bulk matching jobs")


def load_settings() -> Settings:
    """The settings from the environment; a bad value raises InvalidSetting naming its variable."""
    try:
        return Settings()
    except ValidationError as exc:
        raise _invalid(exc) from None


def variables(model: type[BaseModel] = Settings) -> Iterator[tuple[str, FieldInfo]]:
    """Each environment variable of the tree under `model`, with its field."""
    for name, field in model.model_fields.items():
        if _is_section(field):
            yield from variables(field.annotation)  # type: ignore[arg-type]
        else:
            yield _variable(model, name), field


def _variable(model: type[BaseModel], name: str) -> str:
    alias = model.model_fields[name].validation_alias
    return alias if isinstance(alias, str) else f"{model.model_config.get('env_prefix', '')}{name}".upper()


def _is_section(field: FieldInfo) -> bool:
    return isinstance(field.annotation, type) and issubclass(field.annotation, BaseSettings)


def _sections(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    yield model
    for field in model.model_fields.values():
        if _is_section(field):
            yield from _sections(field.annotation)  # type: ignore[arg-type]


def _invalid(exc: ValidationError) -> InvalidSetting:
    """The first bad value, named by its variable."""
    model = {cls.__name__: cls for cls in _sections(Settings)}.get(exc.title, Settings)
    error = exc.errors()[0]
    name = str(error["loc"][0]) if error["loc"] else ""
    variable = _variable(model, name) if name in model.model_fields else name
    value = error.get("input")
    return InvalidSetting(
        f"环境变量 {variable} 的值 {value!r} 无效：{error['msg']} / "
        f"environment variable {variable}={value!r} is invalid: {error['msg']}",
        variable=variable,
    )
