"""Words of a record that do not say which product it is (`matchers/data/wording.toml`): light words
(features and selling points such as 加厚 or 静音, English trade words, packaging words) and pack
counts (100只装, 10片/盒), which weigh little, and placeholders (无, 同上, N/A, TBD), which weigh
nothing; and whether a record names a product at all.

Real catalog lines carry such words beside a clear product name; each one the standard does not
know used to count against every candidate, so the more a factory wrote, the worse it went."""

from __future__ import annotations

import re
from collections.abc import Iterable

from common.units import text_spellings
from matchers.extract import word_alternation
from matchers.lexicon import wording
from matchers.notations import MEASURE_CHARS

_DATA = wording()
LIGHT_WORDS = frozenset(w for words in _DATA["light"].values() for w in words)
PLACEHOLDERS = frozenset(_DATA["placeholders"]["words"])
MODIFIER_MARKERS = frozenset(_DATA["modifiers"]["markers"])
PREPOSITIONS = frozenset(_DATA["modifiers"]["prepositions"])


_LIGHT = re.compile(
    "|".join(
        [
            *_DATA["packaging"]["counts"],
            # `re` tries every word at every position; the first characters' class fails most at once
            f"(?=[{re.escape(''.join(sorted({w[0] for w in LIGHT_WORDS})))}])(?:{word_alternation(LIGHT_WORDS)})",
        ]
    )
)
_NUMERIC = re.compile(r"[0-9.\-+/*~%°φ\"·]+")
_NOT_A_NAME = frozenset(text_spellings().values()) | {"x", "pcs", "pc", "r/min"}
_COUNTING_CHARS = frozenset(MEASURE_CHARS) | MODIFIER_MARKERS


def light_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Where a normalized text has light words or pack counts."""
    return tuple(m.span() for m in _LIGHT.finditer(text))


def blanked(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` with the `spans` replaced by spaces."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def names_product(text: str, spans: Iterable[tuple[int, int]]) -> bool:
    """Whether a normalized text says anything beyond the values and light words at `spans`, pack
    counts, numbers, units and placeholders: `3`, `100`, `无`, `-2+3 M8`, `1型`, `同上`, `N/A`,
    `50mm`, `10片/盒` name no product."""
    rest = blanked(text, spans)
    if rest.strip() in PLACEHOLDERS:
        return False
    return any(_is_word(token) for token in rest.split())


def _is_word(token: str) -> bool:
    if token in PLACEHOLDERS or token in _NOT_A_NAME:
        return False
    letters = _NUMERIC.sub("", token)
    if not letters or letters in _NOT_A_NAME:
        return False
    return not all(c in _COUNTING_CHARS or c.isdigit() for c in letters)
