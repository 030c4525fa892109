"""Traditional to simplified Chinese, fast enough to run on every record.

opencc (t2s) is slow per character and takes a while to build, so it is built once on
first use and only ever sees the runs of Chinese text that contain a character it would change;
converted runs are cached. Text that is already simplified (nearly all of it) costs one set check.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib import resources

from opencc import OpenCC

_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_DICTIONARIES = ("TSCharacters.txt", "TSPhrases.txt")


@cache
def _converter() -> OpenCC:
    return OpenCC("t2s")


@cache
def traditional_chars() -> frozenset[str]:
    """Every character that opencc's t2s dictionaries change, alone or inside a phrase."""
    folder = resources.files("opencc") / "dictionary"
    chars: set[str] = set()
    for name in _DICTIONARIES:
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition("\t")
            chars.update(k for k, v in zip(key, value, strict=False) if k != v)
    return frozenset(chars)


@lru_cache(maxsize=65536)
def _simplify_run(run: str) -> str:
    return _converter().convert(run)


def to_simplified(text: str) -> str:
    if traditional_chars().isdisjoint(text):
        return text
    return _CJK_RUN.sub(lambda m: _simplify_run(m.group()), text)
