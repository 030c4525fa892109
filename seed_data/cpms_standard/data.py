"""The hand-written content of the standard, kept as data files in `seed_data/cpms/`."""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent.parent / "cpms"


def read_toml(name: str) -> dict[str, Any]:
    with (DATA / name).open("rb") as file:
        return tomllib.load(file)


def read_csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))
