"""Text normalization for matching, and tokens for the inverted index.

`normalize` makes the spellings of one product collapse to one string: `Ｍ８×３０`, `M8*30` and
`m8 X 30` all become `m8x30`; `螺絲` becomes `螺丝`; `四分` becomes `4分`; `3000转/分` becomes
`3000r/min`. It keeps the marks that carry meaning inside designations: `.` between digits (8.8,
1.5), `/` and `-` between letters or digits (gb/t5783, 1/2inch, a2-70, r/min), `~` between digits
(ranges), `%`, `°`, `φ` and the `·` of `n·m`. Everything else that is not a letter, digit or Chinese
character becomes a space.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from common.units import text_spellings
from matchers.numerals import chinese_quantities_to_digits
from matchers.simplified import to_simplified

NOISE_WORDS = (
    "优质", "批发", "厂家直销", "厂家直供", "厂家", "直销", "现货", "包邮", "热卖", "热销", "新款", "正品",
    "特价", "促销", "爆款", "高品质", "品质保证", "精品", "低价", "一件代发", "量大从优", "量大优惠",
    "欢迎咨询", "欢迎选购", "大量供应", "供应",
)  # fmt: skip
"""Sales words that say nothing about the product; removed before matching."""

UNIT_SPELLINGS = text_spellings()
"""Unit spellings after a number and how matching text writes them (see `common.units`). 分 and 寸
stay: whether they are pipe sizes or lengths is decided by `matchers.extract` from the context."""

_SIGNS = str.maketrans(
    {
        **dict.fromkeys("×✕✖⨯╳∗", "*"),
        **dict.fromkeys("ø⌀∅ф", "φ"),  # Φ, Ø and Ф are lower-cased first; ϕ is φ after NFKC
        **dict.fromkeys("“”″〃", '"'),
        **dict.fromkeys("‐‑‒–", "-"),
        **dict.fromkeys("•∙", "·"),
        "〜": "~",
    }
)
_NOISE = re.compile("|".join(sorted(NOISE_WORDS, key=len, reverse=True)))
_SYMBOL = re.compile(r'[^\w\s./\-~"%°·*]|_')
_UNIT = re.compile(
    r"(?<=\d)\s*("
    + "|".join(
        # `in` and `"` only right after the digit: "M8 in A2" is not 8 inches
        rf"(?<=\d){re.escape(u)}" if u in ("in", '"') else re.escape(u)
        for u in sorted(UNIT_SPELLINGS, key=len, reverse=True)
    )
    + r")(?![a-z])"
)
_TIMES = re.compile(r"(?<=[0-9a-z])\s*\*\s*(?=\d)|(?<=\d)\s*x\s*(?=\d)")
_STRAY_MARK = re.compile(r"(?<!\d)[.~]|[.~](?!\d)|(?<![0-9a-z])[/-]|[/-](?![0-9a-z])|[*\"]|(?<!n)·|·(?!m)")
_DESIGNATION_GAP = re.compile(r"(?<![a-z])(gb/t|gbt|gb|jb/t|qb/t|hg/t|din|iso|dn|φ) ?(?=\d)")
_TOKEN = re.compile(r"[\u3400-\u9fff]+|[^\s\u3400-\u9fff]+")


def _join_designation(m: re.Match[str]) -> str:
    return "gb/t" if m[1] == "gbt" else m[1]


@lru_cache(maxsize=1 << 15)
def normalize(text: str) -> str:
    """The matching form of `text`: NFKC, simplified Chinese, lower case, canonical signs and units,
    Chinese numerals in quantities as digits, no sales noise, single spaces. Kept for the texts
    seen last: catalogs repeat their column values, and a record's columns are read twice."""
    text = to_simplified(unicodedata.normalize("NFKC", text)).lower().translate(_SIGNS)
    text = _NOISE.sub(" ", _SYMBOL.sub(" ", text))
    text = chinese_quantities_to_digits(text)
    text = _UNIT.sub(lambda m: UNIT_SPELLINGS[m[1]], text)
    text = _STRAY_MARK.sub(" ", _TIMES.sub("x", text))
    text = " ".join(text.split())
    return _DESIGNATION_GAP.sub(_join_designation, text)


def tokenize(text: str) -> list[str]:
    """Index tokens of normalized text, in order: each run of non-Chinese characters is one token
    (so designations stay whole: `m8x30`, `gb/t5783`, `a2-70`, `1/2inch`), and each run of Chinese
    characters gives its bigrams (one character alone when the run is one long)."""
    tokens: list[str] = []
    for run in _TOKEN.findall(text):
        if "\u3400" <= run[0] <= "\u9fff" and len(run) > 1:
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            tokens.append(run)
    return tokens
