"""Reading text files the way Chinese users save them: UTF-8 (with or without BOM), GBK, GB18030."""

from __future__ import annotations

from pathlib import Path

from ontology.validate import ImportRejected, Problem

ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK and GB2312
MAX_BAD_LINES = 20  # named in a rejection; a file with more is in another encoding altogether


def read_text(path: Path) -> tuple[str, str]:
    """The file's text and the encoding it was read with; an undecodable file is rejected naming
    its bad lines in the encoding that reads the most of it (a UTF-8 file with one bad byte is
    bad on that line, not where GB18030 gave up reading UTF-8 as Chinese pairs)."""
    data = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    encoding, bad = min(((e, _bad_lines(data, e)) for e in ENCODINGS), key=lambda found: len(found[1]))
    name = "UTF-8" if encoding.startswith("utf-8") else "GB18030"
    problems = [
        Problem(
            location=f"{path.name}:{line}",
            field="(file)",
            reason=f"undecodable bytes {raw!r} (the file reads as {name} elsewhere; not UTF-8, GBK or GB18030 here)",
        )
        for line, raw in bad[:MAX_BAD_LINES]
    ]
    raise ImportRejected(problems)


def _bad_lines(data: bytes, encoding: str) -> list[tuple[int, bytes]]:
    """The lines (from 1) that do not decode, with the bytes that fail. Neither encoding has a
    byte 0x0A inside a character, so each line decodes on its own."""
    bad = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8" if number > 1 and encoding == "utf-8-sig" else encoding)
        except UnicodeDecodeError as exc:
            bad.append((number, line[exc.start : exc.end]))
    return bad
