"""The ISO/DIN fastener tables of FreeCAD_FastenersWB.

A file holds several CSV sections. Each starts with a one-cell title line (`"ISO4017def"`), then a
header row and data rows, and ends at a blank line; `iso888length.csv` is a single untitled
section. A size the standard does not prefer is written in parentheses: `"(M14)"`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

from ..source_files import read_lines

SIZE_TABLES = {
    "iso4017head.csv": "ISO4017def",
    "din933def.csv": "DIN933def",
    "iso4762def.csv": "ISO4762def",
    "iso4032def.csv": "ISO4032def",
    "DIN934.csv": "DIN934def",
    "iso7089def.csv": "ISO7089def",
}
LARGEST_THREAD = 64.0

_DESIGNATION = re.compile(r"^M(\d+(?:\.\d+)?)(?:x(\d+(?:\.\d+)?))?$")

Row = dict[str, str]


@dataclass(frozen=True)
class MetricThread:
    designation: str  # "M8" (coarse pitch) or "M8x1" (fine pitch)
    diameter: float
    pitch: float | None  # None where the table gives none (washers)
    fine: bool


@cache
def sections(file: str) -> dict[str, list[Row]]:
    """Section title -> rows keyed by the section's header; an untitled section is under ""."""
    found: dict[str, list[Row]] = {}
    title, header = "", None
    for cells in csv.reader(read_lines(file)):
        if not cells:
            title, header = "", None
        elif header is None and len(cells) == 1:
            title = cells[0]
        elif header is None:
            header = cells
            found[title] = []
        else:
            found[title].append(dict(zip(header, cells, strict=True)))
    return found


def size_designation(cell: str) -> str:
    """`"(M14)"` -> `"M14"`."""
    return cell.strip("()")


def parse_thread(designation: str, pitch: float | None = None) -> MetricThread:
    match = _DESIGNATION.match(designation)
    if match is None:
        raise ValueError(f"not a metric thread designation: {designation!r}")
    diameter, fine_pitch = match.groups()
    return MetricThread(
        designation=designation,
        diameter=float(diameter),
        pitch=float(fine_pitch) if fine_pitch else pitch,
        fine=fine_pitch is not None,
    )


@cache
def metric_threads() -> tuple[MetricThread, ...]:
    """Every metric size of the size tables up to M64, coarse before fine, fine by falling pitch."""
    by_designation: dict[str, MetricThread] = {}
    for file, section in SIZE_TABLES.items():
        for row in sections(file)[section]:
            thread = parse_thread(size_designation(row["Dia"]), float(row["P"]) if "P" in row else None)
            known = by_designation.get(thread.designation)
            if thread.diameter <= LARGEST_THREAD and (known is None or known.pitch is None):
                by_designation[thread.designation] = thread
    return tuple(sorted(by_designation.values(), key=lambda t: (t.diameter, t.fine, -(t.pitch or 0))))


@cache
def iso888_lengths() -> tuple[float, ...]:
    """The standard nominal lengths of ISO 888, in mm."""
    return tuple(float(row["Nominal"]) for row in sections("iso888length.csv")[""])
