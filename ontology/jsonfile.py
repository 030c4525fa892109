"""Scheme bundles as JSON files: the lossless export and import format."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from ontology.model import SchemeBundle
from ontology.textfile import read_text
from ontology.validate import ImportRejected, Problem

_BUNDLES = TypeAdapter(list[SchemeBundle])


def write_bundles(path: Path, bundles: list[SchemeBundle]) -> None:
    data = [b.model_dump(mode="json", by_alias=True) for b in bundles]
    path.write_text(json.dumps(data if len(data) != 1 else data[0], ensure_ascii=False, indent=1), encoding="utf-8")


def _path_of(loc: tuple) -> tuple[str, str]:
    """(0, 'classes', 3, 'labels', 'en') -> ('[0].classes[3]', 'labels.en'): the row, then its field."""
    last_index = max((n for n, part in enumerate(loc) if isinstance(part, int)), default=-1)
    row = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc[: last_index + 1]).lstrip(".")
    return row or "(root)", ".".join(str(p) for p in loc[last_index + 1 :]) or "(row)"


def read_bundles(path: Path) -> list[SchemeBundle]:
    """One bundle or a list of them; every validation problem is reported with its JSON path."""
    text, _ = read_text(path)
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportRejected(
            [
                Problem(
                    location=f"{path.name}:{exc.lineno}",
                    field="(file)",
                    reason=f"not valid JSON: {exc.msg} at column {exc.colno}",
                )
            ]
        ) from exc
    try:
        return _BUNDLES.validate_python(raw if isinstance(raw, list) else [raw])
    except ValidationError as exc:
        problems = []
        single = not isinstance(raw, list)
        for error in exc.errors():
            location, field = _path_of(error["loc"][1:] if single else error["loc"])
            problems.append(Problem(location=f"{path.name}: {location}", field=field, reason=error["msg"]))
        raise ImportRejected(problems) from exc
