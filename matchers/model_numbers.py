"""Model and part numbers in a record (`KDL-40V4100`, `DSC-W120/P`, `型号 ABC-12`) and whether two
records name the same one."""

from __future__ import annotations

import re
from functools import lru_cache

from matchers.types import TEXT, Extraction

_TOKEN = re.compile(r"[0-9a-z][0-9a-z./\-]*")
_MEASURE = re.compile(r"\d+(?:\.\d+)?[a-z]{1,3}")  # 500gb, 1080p, 18v, 2.4ghz: sizes, not models
_MIN_PREFIX = 5


def compact(token: str) -> str:
    return token.replace("-", "").replace("/", "").replace(".", "")


@lru_cache(maxsize=1 << 16)
def _looks_like_model(token: str) -> bool:
    """Kept per token: catalogs repeat their sizes and designations (`m8x30`, `gb5783`) row after row."""
    code = compact(token)
    has_digit = any(c.isdigit() for c in code)
    if code.isdigit():
        return len(code) >= 6
    return has_digit and len(code) >= 4 and code.isascii() and not _MEASURE.fullmatch(token)


def model_numbers(extraction: Extraction) -> frozenset[str]:
    """Compact model numbers: those the extractor found (`型号 ...`, a model column) and tokens of the
    text that mix letters and digits, other than the values the extractor read (threads,
    standards, quantities)."""
    values = [f for f in extraction.found if f.key != "model"]
    claimed = [f.span for f in values if f.source == TEXT]
    read = {compact(f.text) for f in values}  # also values read from a column that the text repeats
    found = {compact(f.value) for f in extraction.found if f.key == "model"}
    for m in _TOKEN.finditer(extraction.text):
        start, end = m.span()
        token = m.group().rstrip("./-")
        if (
            _looks_like_model(token)
            and compact(token) not in read
            and not any(s < end and start < e for s, e in claimed)
        ):
            found.add(compact(token))
    return frozenset(found)


def same_model(a: str, b: str) -> bool:
    """Equal, or one extends the other by a suffix (colour, region: `dscw120` and `dscw120p`)."""
    if a == b:
        return True
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    return len(shorter) >= _MIN_PREFIX and longer.startswith(shorter)


def models_agree(a: frozenset[str], b: frozenset[str]) -> bool | None:
    """True if the records share a model number, False if both have some and none is shared, None
    if either has none."""
    if not a or not b:
        return None
    return any(same_model(x, y) for x in a for y in b)
