"""The public source files shipped in `sources/` (origins and licences in NOTICE.md).

Large files are stored gzipped; callers name the original file and do not care which.
"""

from __future__ import annotations

import gzip
from pathlib import Path

SOURCES = Path(__file__).parent / "sources"


def read_bytes(name: str) -> bytes:
    plain = SOURCES / name
    if plain.exists():
        return plain.read_bytes()
    return gzip.decompress((SOURCES / f"{name}.gz").read_bytes())


def read_lines(name: str, encoding: str = "utf-8") -> list[str]:
    return read_bytes(name).decode(encoding).splitlines()
