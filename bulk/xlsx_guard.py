"""An XLSX workbook is a zip of XML parts: a few kilobytes can unpack to gigabytes (a shared string
repeated a million times), and an XLSX reader unpacks the shared strings whole when it opens the
workbook. So the zip container is checked first, from its directory alone, before any reader
unpacks a byte: the number of parts, and the sizes the parts declare unpacked. A zip reader stops
at a part's declared size (its checksum fails beyond it), so the declared sizes bound what reading
can unpack.

The cells a reader yields are counted while it reads (`CellCount`): the other bound, on the work.
Both refusals are `LimitExceeded` and say which limit and by how much.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from common.errors import InvalidInput, LimitExceeded

MAX_PARTS = 10_000
"""Parts in the zip: a workbook has a few per sheet."""
MAX_UNPACKED_BYTES = 4 << 30
"""What all parts together may unpack to."""
MAX_RATIO = 100
"""How many times its packed size a workbook may unpack to (sheets of repetitive text reach 20 or
30), once it unpacks to more than RATIO_FREE_BYTES."""
RATIO_FREE_BYTES = 64 << 20
MAX_CELLS = 50_000_000
"""Cells read from one sheet (2.5 million rows of 20 columns)."""


def check_xlsx_container(path: Path) -> None:
    """Refuse a workbook whose zip directory declares more than the limits above."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise InvalidInput(f"{path.name}: not a readable XLSX workbook ({exc})") from exc
    if len(parts) > MAX_PARTS:
        raise LimitExceeded(
            f"{path.name}: 工作簿的压缩包有 {len(parts):,} 个部件，超过 {MAX_PARTS:,}；the workbook's zip has "
            f"{len(parts):,} parts, over the limit of {MAX_PARTS:,}",
            field="file",
            limit=MAX_PARTS,
        )
    unpacked = sum(p.file_size for p in parts)
    packed = max(1, path.stat().st_size)
    limit = min(MAX_UNPACKED_BYTES, max(RATIO_FREE_BYTES, MAX_RATIO * packed))
    if unpacked > limit:
        raise LimitExceeded(
            f"{path.name}: 工作簿解压后为 {unpacked:,} 字节，超过上限 {limit:,}（疑似压缩炸弹）；the workbook unpacks "
            f"to {unpacked:,} bytes ({unpacked / packed:,.0f} times its size), over the limit of {limit:,} bytes: "
            "a decompression bomb, or a workbook to split or save as CSV",
            field="file",
            limit=limit,
        )


class CellCount:
    """Cells read so far from a sheet; `add` refuses the row that goes over `limit`."""

    def __init__(self, path: Path, limit: int = MAX_CELLS) -> None:
        self.path, self.limit, self.cells = path, limit, 0

    def add(self, row: int, cells: int) -> None:
        self.cells += cells
        if self.cells > self.limit:
            raise LimitExceeded(
                f"{self.path.name} 第 {row} 行：工作表的单元格超过 {self.limit:,} 个；row {row}: the sheet has over "
                f"{self.limit:,} cells, the limit of what one workbook may hold",
                field="file",
                limit=self.limit,
            )
