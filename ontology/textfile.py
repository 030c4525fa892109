"""Reading text files the way Chinese users save them: UTF-8 (with or without BOM), GBK, GB18030,
Big5 (`common.encodings` tells which)."""

from __future__ import annotations

from pathlib import Path

from common.encodings import detect_encoding
from ontology.validate import ImportRejected, Problem


def read_text(path: Path) -> tuple[str, str]:
    """The file's text and the encoding it was read with; undecodable files are rejected by name."""
    data = path.read_bytes()
    encoding = detect_encoding(data)
    try:
        return data.decode("utf-8-sig" if encoding == "utf-8" else encoding), encoding
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportRejected(
            [
                Problem(
                    location=f"{path.name}:{line}",
                    field="(file)",
                    reason=f"not UTF-8, GBK, GB18030 or Big5 text (bad byte at offset {error.start})",
                )
            ]
        ) from None
