"""Chinese numerals in quantities: 三分 -> 3分, 十二寸 -> 12寸, 一寸二 -> 1.2寸, 三千转 -> 3000转.

Only numerals directly followed by a unit or measure word are converted. Numerals inside words
stay as they are: 一字 (slotted) and 十字 (cross) are drive types, 六角 is hexagon (角 is also a
unit of money, so it is deliberately not in the list), 三通 is a tee fitting, 五金 is hardware.
"""

from __future__ import annotations

import re

from matchers.units import format_number

DIGITS = dict(zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
MULTIPLIERS = {"十": 10, "百": 100, "千": 1000}
HALF = "半"
_NUMERAL_CHARS = frozenset(DIGITS) | frozenset(MULTIPLIERS) | {HALF}

MEASURE_WORDS = (
    # units
    "千克", "千瓦", "千米", "毫米", "厘米", "公分", "英寸", "公斤", "毫升", "牛米",
    "米", "寸", "吋", "尺", "克", "斤", "磅", "瓦", "伏", "转", "升",
    "分(?![之百])",
    # measure words and counted things
    "号", "级", "孔", "位", "档", "层", "件", "个", "只", "把", "套", "支", "片", "根", "条", "节",
)  # fmt: skip

_NUMERAL = "[" + "".join(DIGITS) + "".join(MULTIPLIERS) + "]"
# shortest numeral run followed by a measure word; a 千 that starts 千克, 千瓦 or 千米 is the unit's,
# so 三千克 is 3 千克 (3 kg), not 3000 克. A run is tried from its first numeral only: one from the
# middle would end where that one did, and trying every start made a long run quadratic.
_QUANTITY = re.compile(
    rf"(?<![\d.])((?<!{_NUMERAL})(?:(?!千[克瓦米]){_NUMERAL})+?|{HALF})(?={'|'.join(MEASURE_WORDS)})"
)
# 一寸二 / 1寸2 / 一寸半: trade shorthand for 1.2寸 (1-1/4") and 1.5寸 pipe sizes
_INCH_AND_TENTHS = re.compile(rf"(?<![\d.])([一二两三四五六七八九]|\d+)寸([一二三四五六七八九]|\d|{HALF})(?![\d.寸分])")


def chinese_number(numeral: str) -> float:
    """十二 -> 12, 二十五 -> 25, 一百零五 -> 105, 二〇一六 -> 2016, 半 -> 0.5."""
    if numeral == HALF:
        return 0.5
    if not any(ch in MULTIPLIERS for ch in numeral):
        return float("".join(str(DIGITS[ch]) for ch in numeral))
    total = pending = 0
    for ch in numeral:
        if ch in DIGITS:
            pending = DIGITS[ch]
        else:
            total += (pending or 1) * MULTIPLIERS[ch]
            pending = 0
    return float(total + pending)


def _digits(numeral: str) -> str:
    return numeral if numeral.isdigit() else format_number(chinese_number(numeral))


def _inch_and_tenths(m: re.Match[str]) -> str:
    tenths = "5" if m[2] == HALF else _digits(m[2])
    return f"{_digits(m[1])}.{tenths}寸"


def chinese_quantities_to_digits(text: str) -> str:
    if "寸" in text:
        text = _INCH_AND_TENTHS.sub(_inch_and_tenths, text)
    if _NUMERAL_CHARS.isdisjoint(text):
        return text
    return _QUANTITY.sub(lambda m: format_number(chinese_number(m[1])), text)
