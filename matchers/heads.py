"""Head nouns: what a product name says the product is, and what only narrows it.

A Chinese product name ends in its head noun and the words before it narrow it: 车辆紧固用螺丝 is a
螺丝, 金属制浴缸扶手 a 扶手, 一字木螺丝 a 木螺丝 (a wood screw with a slotted drive, not a
screwdriver). 用, 制, 式 and 型 end a modifier (汽车用, 金属制, 重型). An English name's head is
its last noun before `for`, `with` or `of` (`lock cylinder for security door`). A catalog line
names its product first and adds words after it (`锁芯 防盗门` is a lock cylinder for a security
door), so the head is in the first segment of the line that names anything a scheme knows.

The read stage cuts a record into `Segment`s (values, light words and pack counts left out); an
index finds the head among them with its names (`NameIndex`): the longest name that ends the
head segment is the head, a shorter one a broader reading of it, a name elsewhere in that
segment or after a preposition or a modifier marker only a modifier.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache

from matchers.terms import stem, text_terms
from matchers.wording import MODIFIER_MARKERS, PREPOSITIONS, blanked

_HAN = re.compile(r"[\u3400-\u9fff]")
_MAX_NAME = 16  # characters of a Chinese name, words of an English one, looked for


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of a record's name: Chinese characters, or English words (stemmed); `modifier` when it
    only narrows (after a preposition, or ending in a modifier marker)."""

    words: tuple[str, ...]  # one string for Chinese, the words for English
    modifier: bool = False

    @property
    def chinese(self) -> bool:
        return len(self.words) == 1 and _HAN.search(self.words[0]) is not None


def segments(
    text: str, values: Iterable[tuple[int, int]], light: Iterable[tuple[int, int]] = ()
) -> tuple[Segment, ...]:
    """The segments of a normalized text, in order, without its `light` words and the `values` it
    states, except values run into the front of a name (304不锈钢合页, 塑料膨胀螺丝: names may
    start with a material)."""
    out: list[Segment] = []
    english: list[str] = []
    after_preposition = False

    def close() -> None:
        if english:
            out.append(Segment(tuple(english), after_preposition))
            english.clear()

    for chunk in blanked(text, [*light, *_trailing(text, values)]).split("  "):
        for token in chunk.split():
            if _HAN.search(token):  # a Chinese word with what is run into it (1型六角螺母, l型扳手)
                close()
                out.append(Segment((token,), after_preposition or token[-1] in MODIFIER_MARKERS))
            elif token in PREPOSITIONS:
                close()
                after_preposition = True
            elif token[0].isalpha():
                english.append(stem(token))
            else:
                close()
        close()
    return tuple(out)


def _trailing(text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of `spans` that no other character of their word follows."""
    value = [False] * len(text)
    for start, end in spans:
        value[start:end] = [True] * (end - start)
    out = []
    for word in re.finditer(r"\S+", text):
        start, end = word.span()
        last = next((i for i in range(end - 1, start - 1, -1) if not value[i]), start - 1)
        if last + 1 < end:
            out.append((last + 1, end))
    return out


def name_key(text: str) -> tuple[str, ...] | None:
    """How a name is looked up: a Chinese one whole, without its spaces (六角头螺栓 全螺纹, 1型六角螺母),
    an English one as its stemmed words; None for an English name with digits (35 mm hinge)."""
    words = text.split()
    if not words:
        return None
    if _HAN.search(text):
        return ("".join(words),)
    if all(w[0].isalpha() for w in words):
        return tuple(stem(w) for w in words)
    return None


@dataclass(frozen=True, slots=True)
class Heads:
    """Per concept (by entry position): how much of the head its names give (1 for the longest
    name that ends the head segment, a share for a shorter one), and the concepts named only as
    modifiers."""

    head: Mapping[int, float]
    modifiers: frozenset[int]
    modifier_terms: frozenset[str] = frozenset()  # index terms only the narrowing words give


NO_HEADS = Heads({}, frozenset())


class NameIndex:
    """The names (labels and synonyms) of a scheme's concepts, for finding heads, and each
    concept's broader concepts (by entry position)."""

    def __init__(self) -> None:
        self._names: dict[tuple[str, ...], set[int]] = {}
        self.broader: dict[int, frozenset[int]] = {}
        self._inside = lru_cache(maxsize=1 << 14)(self._names_inside)  # catalogs repeat their names

    def add(self, text: str, entry: int) -> None:
        self._inside.cache_clear()
        key = name_key(text)
        if key is not None and len(key[0] if len(key) == 1 else key) <= _MAX_NAME:
            self._names.setdefault(key, set()).add(entry)

    def heads(self, record: Iterable[Segment], skip: AbstractSet[str] = frozenset()) -> Heads:
        """The head of a record's segments, and its modifiers. The head segment is the first that
        ends in a name, unless that name is only a top-level category (金华标准件, 五金工具) and a
        later segment ends in another. A name in a later segment narrows the head when its concept
        is narrower than the head's (`螺丝 内六角`), else it only says what the product is for or
        goes with (`锁芯 防盗门`). `skip`: words known to name no product (learned from
        confirmations) that a segment may consist of."""
        items = [s for s in record if "".join(s.words) not in skip]
        named = ((i, *self._ends(items, i)) for i, s in enumerate(items) if not s.modifier)
        named = (found for found in named if found[1])  # worked out only as far as needed
        chosen = next(named, None)
        if chosen is None:
            return NO_HEADS
        if all(not self.broader.get(e) for e in chosen[2]):
            chosen = next((f for f in named if any(self.broader.get(e) for e in f[2])), chosen)
        at, ends, _ = chosen
        head: dict[int, float] = {}
        longest = max(ends, key=lambda name: name[1] - name[0])
        for start, stop, entries in ends:
            for e in entries:
                head[e] = max(head.get(e, 0.0), (stop - start) / (longest[1] - longest[0]))
        segment = items[at]
        end = len(segment.words[0]) if segment.chinese else len(segment.words)
        inside = self._inside(segment.words)
        modifiers = {e for start, stop, entries in inside if stop < end or start < longest[0] for e in entries}
        text = segment.words[0] if segment.chinese else " ".join(segment.words[: longest[0]])
        narrowing = [text[: longest[0]] if segment.chinese else text]
        for i, other in enumerate(items):
            if i == at or (i == at + 1 and longest[1] > end):
                continue
            joined = None if other.modifier else self._joined(items, i)
            names_here = False
            for _, _, entries in self._inside(joined.words if joined else other.words):
                for e in entries:
                    narrows = max((head.get(b, 0.0) for b in self.broader.get(e, ())), default=0.0)
                    if narrows and i > at and not other.modifier:
                        head[e] = max(head.get(e, 0.0), narrows)
                    else:
                        modifiers.add(e)
                        names_here = True
            if names_here:
                narrowing.append(" ".join(other.words))
        head_terms = frozenset(
            text_terms(
                " ".join(segment.words)[longest[0] :] if segment.chinese else " ".join(segment.words[longest[0] :])
            )
        )
        narrow_terms = frozenset(text_terms(" ".join(narrowing))) - head_terms
        return Heads(head, frozenset(modifiers - head.keys()), narrow_terms)

    def _ends(self, items: list[Segment], i: int) -> tuple[list[tuple[int, int, set[int]]], set[int]]:
        """The names that end segment `i` (or run on into the next one, 六角头螺栓 部分螺纹), and the
        concepts of the longest of them."""
        segment = items[i]
        joined = self._joined(items, i)
        end = len(segment.words[0]) if segment.chinese else len(segment.words)
        total = len(joined.words[0]) if joined else end
        inside = self._inside(joined.words if joined else segment.words)
        ends = [(start, stop, entries) for start, stop, entries in inside if start < end and stop in (end, total)]
        if not ends:
            return [], set()
        longest = max(stop - start for start, stop, _ in ends)
        return ends, {e for start, stop, entries in ends if stop - start == longest for e in entries}

    @staticmethod
    def _joined(items: list[Segment], i: int) -> Segment | None:
        """The segment with the next one, when both are Chinese (六角头螺栓 部分螺纹)."""
        if i + 1 < len(items) and items[i].chinese and items[i + 1].chinese and not items[i + 1].modifier:
            return Segment((items[i].words[0] + items[i + 1].words[0],))
        return None

    def _names_inside(self, words: tuple[str, ...]) -> tuple[tuple[int, int, set[int]], ...]:
        """The names inside a segment: (start, stop, entries), in characters for Chinese, words for
        English."""
        names = self._names
        if len(words) == 1 and _HAN.search(words[0]):
            text = words[0]
            return tuple(
                (start, stop, entries)
                for start in range(len(text))
                for stop in range(start + 1, min(len(text), start + _MAX_NAME) + 1)
                if (entries := names.get((text[start:stop],)))
            )
        return tuple(
            (start, stop, entries)
            for start in range(len(words))
            for stop in range(start + 1, min(len(words), start + _MAX_NAME) + 1)
            if (entries := names.get(words[start:stop]))
        )
