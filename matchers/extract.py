"""Attribute values in a product record: thread size, length, material, finish, standard ...

Extractors run over normalized text in a fixed order and each claims the span it reads, so a
later, looser extractor cannot reuse it: the 2016 of `gb/t5783-2016` is not a material, the 30 of
`m8x30` is not a length twice, 镀铜 (a finish) is not also 铜 (a material).

寸 and inch are read by the words around them, in the text and in every column:
- a tool, hinge, caster or disc word (扳手, 合页, 脚轮 ...): a size in inches, plus its length in mm
  at the trade rate of 25 mm per inch (8寸活动扳手 -> size_inch 8, length 200 mm);
- else a pipe word (阀, 管件, 弯头 ...): a pipe size with its DN (一寸球阀 -> 1", DN25;
  1.2寸 is the trade name of 1-1/4");
- else a fraction (1/2") is a pipe size, and a whole number (4寸) is reported as `size_inch`
  marked ambiguous.
分 is always a pipe size (4分 = 1/2", DN15).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

from common.units import TEXT_UNITS, to_base
from matchers import notations as n
from matchers.normalize import normalize
from matchers.types import NAMING_KEYS, TEXT, Extraction, Found
from matchers.units import TRADE_INCH_MM, format_number

COLUMN_ROLES = {
    "material": "material", "材质": "material", "材料": "material",
    "spec": "spec", "specification": "spec", "size": "spec",
    "规格": "spec", "规格型号": "spec", "尺寸": "spec",
    "brand": "brand", "品牌": "brand", "牌子": "brand",
    "model": "model", "型号": "model",
    "finish": "finish", "surface": "finish", "表面处理": "finish", "表面": "finish",
    "standard": "standard", "标准": "standard", "执行标准": "standard",
}  # fmt: skip
"""Column names (case-insensitive) that `extract` reads, and their role. Brand and model columns are
taken whole; the others are searched like text. Other columns (price, unit, SKU) are ignored."""

_NUMBER = r"\d+(?:\.\d+)?"


def _latin(word: str, alone: bool = True) -> str:
    """Regex for a Latin word that does not continue a preceding word (and, if `alone`, is not
    continued). The left boundary is asserted after the first letter, `s(?<![0-9a-z]s)tainless`, so
    the pattern starts with a literal and `re` can jump straight to the candidate positions."""
    first, rest = re.escape(word[0]), re.escape(word[1:])
    return rf"{first}(?<![0-9a-z]{first}){rest}" + (r"(?![0-9a-z])" if alone else "")


def _longest_first(words: Iterable[str]) -> list[str]:
    """So that an alternation prefers 热镀锌 to 镀锌, 304l to 304 and gb/t to gb."""
    return sorted(words, key=len, reverse=True)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(_latin(w) if w.isascii() else re.escape(w) for w in _longest_first(words))


_MODEL = re.compile(rf"(?:型(?<!规格型)号|{_latin('model', alone=False)}(?: no)?) ?([a-z0-9][a-z0-9./\-]*)")
_BRAND = re.compile(rf"(?:品牌|{_latin('brand')}) (\S+)")
_STANDARD = re.compile(
    rf"({'|'.join(_latin(body, alone=False) for body in _longest_first(n.STANDARD_BODIES))})"
    rf"({_NUMBER})(?:-\d{{2,4}})?(?![\d.])"
)
_THREAD = re.compile(rf"m(?<![0-9a-z.]m)({_NUMBER})(?:x({_NUMBER}))?(?:x({_NUMBER}))?(?:mm)?(?![0-9a-z.])")
_PROPERTY_CLASS = re.compile(
    rf"(?<![0-9a-z.])(?:(a[1-5][-/](?:{'|'.join(n.STAINLESS_PROPERTY_CLASSES)}))(?!\d)"
    rf"|({'|'.join(map(re.escape, n.STEEL_PROPERTY_CLASSES))})(?![0-9.a-z%°{n.MEASURE_CHARS}]))级?"
)
_DIAMETER = re.compile(rf"(?:φ|直径|外径) ?({_NUMBER})(mm|cm|m)?(?![0-9.])")
_DN = re.compile(r"dn(?<![a-z]dn)(\d+)(?![\d.])")
_FEN = re.compile(r"(?<![\d.])([1-8])分(?![之钟])")
_INCH = re.compile(rf"(?<![0-9a-z./-])(?:(\d+)[- ])?(\d+)/(\d+)(寸|inch)|(?<![\d./])({_NUMBER})(寸|inch)")
_GRADE = re.compile(
    rf"(?<![0-9a-z.\-/])(?:sus|ss|aisi)? ?({'|'.join(_longest_first(n.MATERIAL_GRADES))})"
    rf"(?![0-9a-z.\-/{n.MEASURE_CHARS}])"
)
_WORDS = {word: (key, code) for key, words in n.VOCABULARY.items() for word, code in words.items()}
_WORD = re.compile(_alternation(_WORDS))
_UNIT_TEXT = "|".join(_longest_first(TEXT_UNITS))
_QUANTITY = re.compile(rf"(?:(?<=ac)|(?<=dc)|(?<![0-9a-z.]))({_NUMBER})({_UNIT_TEXT})(?![0-9a-z])")
_QUANTITY_KEYS = {
    "length": "length", "mass": "weight", "volume": "capacity", "voltage": "voltage", "power": "power",
    "rotational_speed": "speed", "torque": "torque",
}  # fmt: skip
_STAINLESS = "stainless_steel"
_TOOL_CONTEXT = re.compile(_alternation(n.TOOL_CONTEXT_WORDS))
_PIPE_CONTEXT = re.compile(_alternation(n.PIPE_CONTEXT_WORDS))


class _Scan:
    """One pass over one normalized text: the values found so far and the spans they claimed."""

    __slots__ = ("text", "source", "inch_reading", "found", "_starts", "_ends")

    def __init__(self, text: str, source: str, inch_reading: str) -> None:
        self.text = text
        self.source = source
        self.inch_reading = inch_reading
        self.found: list[Found] = []
        # the claimed spans, which never overlap, in order: a claim looks at its one neighbour
        self._starts: list[int] = []
        self._ends: list[int] = []

    def claim(self, m: re.Match[str]) -> bool:
        start, end = m.span()
        before = bisect_left(self._starts, end)  # the spans that start before this one ends
        if before and self._ends[before - 1] > start:
            return False
        self._starts.insert(before, start)
        self._ends.insert(before, end)
        return True

    def add(
        self,
        key: str,
        value: str,
        m: re.Match[str],
        number: float | None = None,
        unit: str | None = None,
        ambiguous: bool = False,
    ) -> None:
        self.found.append(Found(key, value, m.span(), m[0], self.source, number, unit, ambiguous))

    def add_quantity(self, key: str, m: re.Match[str], number: float, unit: str) -> None:
        self.add(key, format_number(number), m, number, unit)


def _model_and_brand(scan: _Scan) -> None:
    if not any(marker in scan.text for marker in ("型号", "model", "品牌", "brand")):
        return
    for key, pattern in (("model", _MODEL), ("brand", _BRAND)):
        for m in pattern.finditer(scan.text):
            if scan.claim(m):
                scan.add(key, m[1], m)


def _standards(scan: _Scan) -> None:
    for m in _STANDARD.finditer(scan.text):
        if scan.claim(m):
            scan.add("standard", f"{n.STANDARD_BODIES[m[1]]} {m[2]}", m)


def _threads(scan: _Scan) -> None:
    for m in _THREAD.finditer(scan.text):
        diameter = float(m[1])
        if diameter not in n.METRIC_THREAD_DIAMETERS or not scan.claim(m):
            continue
        first = float(m[2]) if m[2] else None
        pitch, length = (first, float(m[3])) if m[3] else (None, first)
        if pitch is None and length in n.FINE_PITCHES and length < diameter / 2:
            pitch, length = length, None
        designation = f"M{m[1]}" + (f"x{format_number(pitch)}" if pitch else "")
        scan.add("thread_size", designation, m, diameter, "MMT")
        if pitch:
            scan.add_quantity("thread_pitch", m, pitch, "MMT")
        if length:
            scan.add_quantity("length", m, length, "MMT")


def _property_classes(scan: _Scan) -> None:
    if "." not in scan.text and "-" not in scan.text and "/" not in scan.text:
        return
    for m in _PROPERTY_CLASS.finditer(scan.text):
        if scan.claim(m):
            scan.add("property_class", m[1].upper().replace("/", "-") if m[1] else m[2], m)


def _diameters(scan: _Scan) -> None:
    for m in _DIAMETER.finditer(scan.text):
        if scan.claim(m):
            scan.add_quantity("diameter", m, *to_base(float(m[1]), TEXT_UNITS[m[2] or "mm"].code))


def _add_pipe_size(scan: _Scan, m: re.Match[str], inches: float) -> None:
    designation, dn = n.PIPE_SIZES.get(inches, (f'{format_number(inches)}"', None))
    scan.add("pipe_size", designation, m, inches, "INH")
    if dn:
        scan.add("dn", f"DN{dn}", m, float(dn))


def _pipe_and_inch_sizes(scan: _Scan) -> None:
    text = scan.text
    for m in _DN.finditer(text):
        if scan.claim(m):
            dn = int(m[1])
            if dn in n.PIPE_SIZE_OF_DN:
                _add_pipe_size(scan, m, n.PIPE_SIZE_OF_DN[dn])
            else:
                scan.add("dn", f"DN{dn}", m, float(dn))
    if "分" in text:
        for m in _FEN.finditer(text):
            eighths = int(m[1])
            if eighths in (1, 2, 3, 4, 6, 8) and scan.claim(m):
                _add_pipe_size(scan, m, eighths / 8)
    if "寸" in text or "inch" in text:
        for m in _INCH.finditer(text):
            if scan.claim(m):
                _inch_size(scan, m)


def _inch_size(scan: _Scan, m: re.Match[str]) -> None:
    fraction = m[3] is not None
    if fraction:
        inches = int(m[1] or 0) + int(m[2]) / int(m[3])
        unit_word = m[4]
    else:
        inches, unit_word = float(m[5]), m[6]
    reading = scan.inch_reading or ("pipe" if fraction else "")
    if reading == "pipe":
        if unit_word == "寸":
            inches = n.TRADE_INCH_NOTATION.get(inches, inches)
        _add_pipe_size(scan, m, inches)
        return
    scan.add("size_inch", format_number(inches), m, inches, "INH", ambiguous=not reading)
    if reading == "tool" and not fraction:
        scan.add_quantity("length", m, inches * TRADE_INCH_MM, "MMT")


def _words(scan: _Scan) -> None:
    for m in _WORD.finditer(scan.text):
        if scan.claim(m):
            key, code = _WORDS[m[0]]
            scan.add(key, code, m)


def word_spans(text: str) -> list[tuple[int, int]]:
    """Where a normalized text names a material or a finish (the words and grades that catalogs
    run into names: 不锈钢合页, 304球阀, 镀锌螺栓): a quick look for texts that are not read in full."""
    spans = [m.span() for m in _WORD.finditer(text) if _WORDS[m[0]][0] not in NAMING_KEYS]
    return spans + [m.span(1) for m in _GRADE.finditer(text)]


def _material_grades(scan: _Scan) -> None:
    for m in _GRADE.finditer(scan.text):
        if scan.claim(m):
            scan.add("material", n.MATERIAL_GRADES[m[1]], m)


def _is_thickness(text: str, m: re.Match[str]) -> bool:
    return text.startswith("厚", m.end()) or text[: m.start()].rstrip().endswith(("厚", "厚度"))


def _quantities(scan: _Scan) -> None:
    for m in _QUANTITY.finditer(scan.text):
        if scan.claim(m):
            read = TEXT_UNITS[m[2]]
            number, unit = to_base(float(m[1]), read.code)
            key = _QUANTITY_KEYS[read.quantity]
            if key == "length" and _is_thickness(scan.text, m):
                key = "thickness"
            scan.add_quantity(key, m, number, unit)


EXTRACTORS: tuple[Callable[[_Scan], None], ...] = (
    _model_and_brand,
    _standards,
    _threads,
    _property_classes,
    _diameters,
    _pipe_and_inch_sizes,
    _material_grades,
    _words,
    _quantities,
)
"""In priority order: an earlier extractor's span is not read again by a later one."""


def _inch_reading(context: str) -> str:
    if _TOOL_CONTEXT.search(context):
        return "tool"
    return "pipe" if _PIPE_CONTEXT.search(context) else ""


def _without_redundant(found: list[Found]) -> list[Found]:
    """Drop repeats of a key and value, and the generic stainless_steel when a grade is known
    (304不锈钢 is stainless_304, not also stainless_steel)."""
    graded = any(f.key == "material" and f.value.startswith("stainless_") and f.value != _STAINLESS for f in found)
    seen: set[tuple[str, str]] = set()
    kept = []
    for f in found:
        pair = (f.key, f.value)
        if pair in seen or (graded and pair == ("material", _STAINLESS)):
            continue
        seen.add(pair)
        kept.append(f)
    return kept


def _scan(text: str, source: str, inch_reading: str) -> list[Found]:
    """Every value read, repeats and the generic ones included (see `_without_redundant`)."""
    scan = _Scan(text, source, inch_reading)
    for extractor in EXTRACTORS:
        extractor(scan)
    return scan.found


@lru_cache(maxsize=1 << 14)
def read_column(value: str, name: str, role: str, inch_reading: str) -> tuple[Found, ...]:
    """A column value normalized and scanned. Catalogs repeat their column values (材质 304, 表面处理
    镀锌, 标准 GB/T 5783) row after row: each is read once."""
    normalized, source = normalize(value), f"column:{name}"
    if role in ("brand", "model"):
        return (Found(role, normalized, (0, len(normalized)), normalized, source),)
    return tuple(_without_redundant(_scan(normalized, source, inch_reading)))


def extract(text: str, columns: Mapping[str, str] | None = None) -> Extraction:
    """The attribute values in a record's free `text` and its `columns` (see `COLUMN_ROLES`).

    A key found in any column replaces that key from the text. Each value records its source.
    """
    normalized = normalize(text)
    fields = [
        (name, role, value)
        for name, value in (columns or {}).items()
        if value and (role := COLUMN_ROLES.get(name.strip().lower()))
    ]
    inch_reading = _inch_reading(" ".join([normalized, *(normalize(value) for _, _, value in fields)]))
    from_columns = [f for name, role, value in fields for f in read_column(value, name, role, inch_reading)]
    column_keys = {f.key for f in from_columns}
    scanned = _scan(normalized, TEXT, inch_reading)
    from_text = [f for f in _without_redundant(scanned) if f.key not in column_keys]
    value_spans = tuple(sorted({f.span for f in scanned if f.key not in NAMING_KEYS}))
    return Extraction(normalized, tuple(from_columns + from_text), value_spans)
