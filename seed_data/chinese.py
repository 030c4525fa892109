"""Conversion between simplified and traditional Chinese script (OpenCC character tables)."""

from __future__ import annotations

from functools import cache

import opencc

_TO_SIMPLIFIED = opencc.OpenCC("t2s")
_TO_TRADITIONAL = opencc.OpenCC("s2t")


def to_simplified(text: str) -> str:
    return _TO_SIMPLIFIED.convert(text)


@cache
def to_traditional(text: str) -> str:
    return _TO_TRADITIONAL.convert(text)
