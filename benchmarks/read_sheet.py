"""Read every row of a workbook's first sheet with one reader, in a process of its own, and print
rows, seconds and the process's peak RSS in MB (for `bench_libraries`):

    python -m benchmarks.read_sheet openpyxl|calamine|none PATH
"""

from __future__ import annotations

import resource
import sys
import time


def main(reader: str, path: str) -> None:
    start = time.perf_counter()
    rows = 0
    if reader == "openpyxl":
        from openpyxl import load_workbook

        rows = sum(1 for _ in load_workbook(path, read_only=True, data_only=True).worksheets[0].iter_rows())
    elif reader == "calamine":
        from python_calamine import CalamineWorkbook

        rows = sum(1 for _ in CalamineWorkbook.from_path(path).get_sheet_by_index(0).iter_rows())
    else:
        import openpyxl  # noqa: F401
        import python_calamine  # noqa: F401
    print(rows, time.perf_counter() - start, peak_megabytes())


def peak_megabytes() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited across exec)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main(*sys.argv[1:])
