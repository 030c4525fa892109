"""The ontology a run matches against: one scheme's bundle, frozen in the run's folder, so that a
resumed run, every worker and every Dask node match against the same thing."""

from __future__ import annotations

import json
from pathlib import Path

from common.errors import InvalidInput


def copy_scheme(bundles_file: Path, scheme: str, target: Path) -> None:
    """Copy `scheme`'s bundle from an ontology export (`cpms export`, one bundle or a list) to
    `target`, without the other schemes (a worker then builds the index of that scheme only)."""
    bundles, codes = _bundles(bundles_file)
    if scheme not in codes:
        have = ", ".join(str(c) for c in codes if c)
        raise InvalidInput(f"{bundles_file.name} has no scheme {scheme!r} (have: {have})", field="scheme")
    target.write_text(json.dumps(bundles[codes.index(scheme)], ensure_ascii=False), encoding="utf-8")


def scheme_codes(bundles_file: Path) -> list[str]:
    """The codes of the schemes in an ontology export."""
    return [c for c in _bundles(bundles_file)[1] if c]


def _bundles(bundles_file: Path) -> tuple[list, list]:
    try:
        data = json.loads(bundles_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"{bundles_file}: not a readable ontology export ({exc})") from exc
    bundles = data if isinstance(data, list) else [data]
    return bundles, [b.get("scheme", {}).get("code") if isinstance(b, dict) else None for b in bundles]
