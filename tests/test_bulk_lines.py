"""Lines read from any byte offset split and number as Python's text files do, across block
boundaries and with every line end (\\r\\n, \\n, a lone \\r)."""

from __future__ import annotations

import io

import pytest

from bulk import lines
from bulk.lines import LineReader, byte_splittable, count_lines, line_start

TEXT = '品名,规格\r\n六角螺栓,M8\n\n螺母,"M8\r\n粗牙"\r合页,4寸\r\n\r\n扳手,8寸'


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    monkeypatch.setattr(lines, "BLOCK", 3)


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "utf-8-sig"])
def test_lines_are_those_of_a_text_file(encoding):
    data = TEXT.encode(encoding)
    expected = list(io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline=""))
    reader = LineReader(io.BytesIO(data), 0, encoding)
    assert list(reader) == expected and reader.offset == len(data)


def test_reading_from_any_line_start_gives_the_lines_after_it():
    data = TEXT.encode("gb18030")
    file = io.BytesIO(data)
    starts = [0]
    for text in LineReader(file, 0, "gb18030"):
        starts.append(starts[-1] + len(text.encode("gb18030")))
    every_line = list(io.TextIOWrapper(io.BytesIO(data), encoding="gb18030", newline=""))
    for at in range(len(data) + 1):
        start = line_start(file, at)
        assert start == min(s for s in starts if s >= at), at
        skipped = starts.index(start)
        assert list(LineReader(file, start, "gb18030")) == every_line[skipped:]
        assert count_lines(file, start, len(data)) == len(every_line) - skipped


def test_only_encodings_whose_line_ends_are_single_bytes_are_split():
    assert all(byte_splittable(e) for e in ("utf-8", "utf-8-sig", "gb18030", "gbk", "big5"))
    assert not any(byte_splittable(e) for e in ("utf-16", "utf-16-le", "hz", "cp037"))
