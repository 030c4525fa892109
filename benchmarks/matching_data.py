"""Readers of the public benchmark files in ../shared/data (see its SOURCES.md)."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
BENCHMARKS = DATA / "benchmarks"
CLASSIFICATION = DATA / "classification"


class Missing(Exception):
    """A benchmark file that is not there."""


def _path(path: Path) -> Path:
    if not path.exists():
        raise Missing(f"{path} is missing")
    return path


@dataclass(frozen=True)
class Pair:
    left: dict[str, str]
    right: dict[str, str]
    label: int


_COLUMN = re.compile(r"COL (\S+) VAL ?")


def _ditto_record(text: str) -> dict[str, str]:
    parts = _COLUMN.split(text.strip())
    return {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


def ditto_pairs(dataset: str, split: str) -> list[Pair]:
    """`COL name VAL ... <TAB> COL name VAL ... <TAB> label` lines of the DeepMatcher split."""
    pairs = []
    for line in _path(BENCHMARKS / dataset / "ditto_deepmatcher_split" / f"{split}.txt").read_text().splitlines():
        left, right, label = line.split("\t")
        pairs.append(Pair(_ditto_record(left), _ditto_record(right), int(label)))
    return pairs


def pyjedai_tables(
    dataset: str, left: str, right: str, sep: str
) -> tuple[list[dict], list[dict], list[tuple[str, str]]]:
    folder = BENCHMARKS / dataset / "pyjedai_full"

    def rows(name: str) -> list[dict]:
        with _path(folder / name).open(newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f, delimiter=sep))

    truth = [(r["D1"], r["D2"]) for r in rows("gt.csv")]
    return rows(left), rows(right), truth


def mwpd(split: str) -> list[dict]:
    """MWPD 2020 task 2 offers: Name, Description, CategoryText, lvl1..lvl3 (`code_label`)."""
    path = _path(BENCHMARKS / "mwpd2020-gs1-gpc" / f"{split}.json")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def tariff_lines() -> dict[str, list[tuple[str, str]]]:
    """Taiwan tariff lines (10-digit code, traditional Chinese name) by heading (first 4 digits)."""
    lines = _path(CLASSIFICATION / "note_10_C.txt").read_text(encoding="utf-8").splitlines()[1:]
    by_heading: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for line in lines:
        code, _, name = line.partition(" ")
        if code.strip():
            by_heading[code[:4]].append((code, name.strip()))
    return dict(by_heading)
