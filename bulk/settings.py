"""How a bulk run matches and how it runs, validated once (all problems reported together) and
saved next to every output so that a result can be reproduced."""

from __future__ import annotations

import codecs
import os
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bulk.columns import check_fields
from common.errors import InvalidSetting
from matchers.decide import MatchSettings
from matchers.snapshot import Kind


class BulkSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # What the output is: a resumed run must use the same.
    scheme: str = "CPMS"  # the scheme whose codes rows are matched to
    kind: Kind | None = None  # its classes or its standard items (default: the scheme's default)
    columns: dict[str, str | None] = {}  # field -> header overrides; None ignores the field
    encoding: str | None = None  # of a CSV, TSV or text file (default: detected)
    sheet: str | None = None  # of an XLSX workbook (default: the first)
    max_cell_chars: int = Field(default=100_000, ge=1)  # a longer cell makes its row an error
    match: MatchSettings = MatchSettings()  # thresholds, weights, and `limit`: the candidates written per row

    # How it runs: may change between a run and its resumption.
    engine: Literal["local", "dask"] = "local"
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=0)  # local processes; 0: in this one
    scheduler: str | None = None  # the Dask scheduler's address
    chunk_size: int = Field(default=1000, ge=1, le=100_000)  # rows per task and per durable commit

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                codec = codecs.lookup(value)
            except LookupError:
                raise ValueError(f"unknown encoding {value!r}") from None
            if not codec._is_text_encoding:  # rot13, zlib_codec, base64: codecs, but not of text
                raise ValueError(f"{value!r} is not a text encoding (such as utf-8, gb18030, utf-16)")
        return value

    @field_validator("columns")
    @classmethod
    def _known_fields(cls, value: dict[str, str | None]) -> dict[str, str | None]:
        check_fields(value)
        return value

    @model_validator(mode="after")
    def _scheduler_for_dask(self) -> BulkSettings:
        if self.engine == "dask" and not self.scheduler:
            raise ValueError("the dask engine needs the scheduler's address (--scheduler)")
        return self

    def output_settings(self) -> dict[str, object]:
        """The settings that decide what the output holds."""
        return self.model_dump(mode="json", exclude={"engine", "workers", "scheduler", "chunk_size"})


def invalid_settings(error: ValidationError) -> InvalidSetting:
    """Every problem of a settings validation, in one error."""
    problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in error.errors())
    return InvalidSetting(f"设置有误 / invalid settings: {problems}")
