"""Reading text files the way Chinese users save them: UTF-8 (with or without BOM), GBK, GB18030."""

from __future__ import annotations

from pathlib import Path

from ontology.validate import ImportRejected, Problem

ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK and GB2312


def read_text(path: Path) -> tuple[str, str]:
    """The file's text and the encoding it was read with; undecodable files are rejected by name."""
    data = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            error = exc
    line = data[: error.start].count(b"\n") + 1
    raise ImportRejected(
        [
            Problem(
                location=f"{path.name}:{line}",
                field="(file)",
                reason=f"not UTF-8, GBK or GB18030 text (bad byte at offset {error.start})",
            )
        ]
    )
