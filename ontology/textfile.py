"""Reading text files the way Chinese users save them: UTF-8 (with or without BOM), GBK, GB18030,
Big5 (`common.encodings` tells which)."""

from __future__ import annotations

from pathlib import Path

from common.encodings import detect_encoding
from ontology.validate import ImportRejected, Problem

MAX_BAD_LINES = 20  # named in a rejection; a file with more is in another encoding altogether


def read_text(path: Path) -> tuple[str, str]:
    """The file's text and the encoding it was read with; an undecodable file is rejected naming
    each bad line in the encoding the rest of the file reads as (a UTF-8 file with one bad byte is
    bad on that line, not where another encoding would give up)."""
    data = path.read_bytes()
    encoding = detect_encoding(data)
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    try:
        return data.decode(codec), encoding
    except UnicodeDecodeError as error:
        bad = _bad_lines(data, codec) or [(data[: error.start].count(b"\n") + 1, data[error.start : error.end])]
    problems = [
        Problem(
            location=f"{path.name}:{line}",
            field="(file)",
            reason=f"undecodable bytes {raw!r} (the file reads as {encoding} elsewhere; "
            "not UTF-8, GBK, GB18030 or Big5 here)",
        )
        for line, raw in bad[:MAX_BAD_LINES]
    ]
    raise ImportRejected(problems)


def _bad_lines(data: bytes, codec: str) -> list[tuple[int, bytes]]:
    """The lines (from 1) that do not decode, with the bytes that fail. None of UTF-8, GB18030 and
    Big5 has a byte 0x0A inside a character, so each line decodes on its own (UTF-16 does: no lines)."""
    if codec.startswith("utf-16"):
        return []
    bad = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8" if number > 1 and codec == "utf-8-sig" else codec)
        except UnicodeDecodeError as exc:
            bad.append((number, line[exc.start : exc.end]))
    return bad
