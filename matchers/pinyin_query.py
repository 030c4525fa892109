"""Queries typed in pinyin, read back as Chinese: `luosi m8` -> `螺丝 m8`, `lsd` -> `螺丝刀`.

The reading uses the index's own vocabulary: each pair of syllables (or of initials) becomes the
pair of Chinese characters with that reading that the most indexed texts contain. The rewritten
query then goes through the same stages as a Chinese one, so its scores and explanations are in
Chinese too. A query is matched both as typed and as read, since English words such as `long`,
`pin` or `fan` are also pinyin; a Latin word of the index's texts or of its values' names (`aisi`
of AISI 316) is read as itself.

Readings are per character, under every reading of a polyphonic character (长 is zhang and
chang), from pypinyin's dictionary; a dictionary look-up per character keeps building the reader
fast.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from pypinyin import Style, pinyin

from matchers.pinyin import SYLLABLES, looks_like_pinyin
from matchers.terms import stem

_MAX_READINGS = 2
_LONGEST_SYLLABLE = max(map(len, SYLLABLES))
_VOWELS = frozenset("aeiouv")


@cache
def readings(char: str) -> tuple[str, ...]:
    """Toneless readings of a Chinese character (`v` for ü), most common first."""
    found = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    return tuple(found[0][:_MAX_READINGS]) if found and found[0] else ()


def syllables(word: str) -> list[str] | None:
    """`liujiaoluosi` -> [liu, jiao, luo, si]: the split into the fewest syllables, or None.

    Each position keeps only its count and where its last syllable starts, and the split is read
    back once at the end: linear in the word's length (a syllable is at most six letters)."""
    fewest: list[int | None] = [0, *([None] * len(word))]
    start_of = [0] * (len(word) + 1)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - _LONGEST_SYLLABLE), end):
            before, current = fewest[start], fewest[end]
            if before is not None and word[start:end] in SYLLABLES and (current is None or before + 1 < current):
                fewest[end], start_of[end] = before + 1, start
    if fewest[-1] is None:
        return None
    split, end = [], len(word)
    while end:
        split.append(word[start_of[end] : end])
        end = start_of[end]
    return split[::-1]


def _keep_most_frequent(table: dict[str, tuple[int, str]], key: str, count: int, chinese: str) -> None:
    if count > table.get(key, (0, ""))[0]:
        table[key] = (count, chinese)


@dataclass(frozen=True, slots=True)
class PinyinReader:
    spellings: Mapping[str, str]  # `luosi`, `ls`, `luo`, `l` -> the most frequent Chinese with that reading
    words: frozenset[str] = frozenset()  # Latin words the index knows: `aisi` (AISI 316) is not 丝

    @classmethod
    def of(cls, pair_counts: Mapping[str, int], words: frozenset[str] = frozenset()) -> PinyinReader:
        """From the number of indexed texts that contain each pair of Chinese characters, and the
        Latin words of those texts (read as themselves, not as pinyin)."""
        table: dict[str, tuple[int, str]] = {}
        for pair, count in pair_counts.items():
            for a in readings(pair[0]):
                for b in readings(pair[1]):
                    _keep_most_frequent(table, a + b, count, pair)
                    _keep_most_frequent(table, a[0] + b[0], count, pair)
            for char in pair:
                for a in readings(char):
                    _keep_most_frequent(table, a, count, char)
                    _keep_most_frequent(table, a[0], count, char)
        return cls({key: chinese for key, (_, chinese) in table.items()}, words)

    def _pinyin(self, word: str) -> bool:
        # the first test is the one `looks_like_pinyin` starts with, without its lower() and split():
        # most of a record's words (Chinese, sizes, designations) fail it
        return word.isascii() and word.isalpha() and looks_like_pinyin(word) and stem(word) not in self.words

    def _read(self, units: list[str]) -> str:
        """Pairs of syllables (or initials) as pairs of characters, a pair unknown as two singles."""
        out = []
        for i in range(0, len(units), 2):
            pair = "".join(units[i : i + 2])
            if pair in self.spellings:
                out.append(self.spellings[pair])
            else:
                out.extend(self.spellings.get(unit, "") for unit in units[i : i + 2])
        return "".join(out)

    def read(self, text: str) -> str | None:
        """The text with its pinyin words read as Chinese, or None if it has none that read."""
        if not self.spellings:
            return None
        words, out, changed = text.split(), [], False
        i = 0
        while i < len(words):
            run = []
            while i < len(words) and self._pinyin(words[i]) and not _VOWELS.isdisjoint(words[i]):
                run.append(words[i])
                i += 1
            units = syllables("".join(run)) if run else None
            if run and units is None:
                out.extend(run)
            elif units:
                chinese = self._read(units)
                changed |= bool(chinese)
                out.append(chinese or " ".join(run))
            if i < len(words) and not run:
                word = words[i]
                initials = self._pinyin(word) and _VOWELS.isdisjoint(word) and self._read(list(word))
                changed |= bool(initials)
                out.append(initials or word)
                i += 1
        return " ".join(out) if changed else None
