"""Lines of a text file read from any byte offset, with the offset after each: what lets a worker
read its own byte range of a catalog, and a run resume where its workers stopped.

Lines end as universal newlines end them (`\\r\\n`, `\\n` or a lone `\\r`, kept with the line),
which is how Python's text files split them, so the line numbers are those a reader from the
start would count. Only encodings in which those bytes always mean those characters can be cut
by bytes (UTF-8, GB18030, GBK, Big5 ...; not UTF-16).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import IO

BLOCK = 1 << 20
_TERMINATOR = re.compile(rb"\r\n|\r|\n")
_STATEFUL = ("hz", "iso2022", "utf_7")


def byte_splittable(encoding: str) -> bool:
    """Whether `encoding` writes line ends, quotes and delimiters as ASCII, and nothing else with
    those bytes: a file in it can be read from the start of any line."""
    name = codecs.lookup(encoding).name.replace("-", "_")
    ascii_bytes = "\r\n\t,;|\"'{} az09".encode("utf-8" if name == "utf_8_sig" else encoding)
    return ascii_bytes == b"\r\n\t,;|\"'{} az09" and not name.startswith(_STATEFUL)


class LineReader:
    """Decoded lines from byte `start` on; `offset` is the byte after the last line given."""

    def __init__(self, file: IO[bytes], start: int, encoding: str) -> None:
        if start > 0 and codecs.lookup(encoding).name == "utf-8-sig":
            encoding = "utf-8"  # the BOM is at the start of the file only
        self.offset = start
        self._ends = line_ends(file, start)
        self._decoder = codecs.getincrementaldecoder(encoding)("surrogateescape")

    def __iter__(self) -> Iterator[str]:
        for data, end in self._ends:
            self.offset = end
            yield self._decoder.decode(data)


def line_ends(file: IO[bytes], start: int) -> Iterator[tuple[bytes, int]]:
    """Each line's bytes from `start` on, and the offset after it."""
    file.seek(start)
    offset, pending = start, b""
    while block := file.read(BLOCK):
        data, position = pending + block, 0
        for match in _TERMINATOR.finditer(data):
            if match.end() == len(data) and match.group() == b"\r":
                break  # a \r at the end of the block may be the first half of \r\n
            yield data[position : match.end()], offset + match.end()
            position = match.end()
        offset, pending = offset + position, data[position:]
    if pending:
        yield pending, offset + len(pending)


def line_start(file: IO[bytes], at: int) -> int:
    """The first offset at or after `at` where a line starts."""
    if at == 0:
        return 0
    return next((end for _, end in line_ends(file, at - 1)), at)


def count_lines(file: IO[bytes], start: int, bound: int) -> int:
    """Lines starting from `start` (where a line starts) up to before `bound`."""
    count, offset = 0, start
    for _, end in line_ends(file, start):
        if offset >= bound:
            break
        count, offset = count + 1, end
    return count
