"""Negation and opposites in product names (`matchers/data/opposites.toml`): what a text denies
(非金属梯 denies 金属, `lead-free` denies lead) and which side of an exclusive group it takes
(左旋 or 右旋, 内六角 or 外六角, 公制 or 英制). A record and a candidate whose labels say the
opposite differ by one word and share every other, so without this they scored alike.

A candidate takes the sides its labels take, not its synonyms: a class's synonyms may list its
variants (蝶阀: 电动蝶阀, 气动蝶阀) without the class being any one of them. What it affirms or
denies is read from all its names (钢直尺 is also 金属直尺, and 非金属梯 is none of them)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from matchers.extract import word_alternation
from matchers.lexicon import opposites

_DATA = opposites()
_PREFIXES = tuple(_DATA["negation"]["prefixes"])
_SIDES = {
    word: (g, s) for g, group in enumerate(_DATA["group"]) for s, words in enumerate(group["sides"]) for word in words
}
_MAX_CONTRADICTIONS = 2


def _pattern(word: str) -> str:
    return rf"(?<![0-9a-z]){re.escape(word)}(?![0-9a-z])" if word.isascii() else re.escape(word)


_SIDE = re.compile(word_alternation(_SIDES))  # each word begins with a literal: `re` skips to where one may start
_CHINESE_NEGATION = re.compile(f"(?:{'|'.join(map(re.escape, _PREFIXES))})([\u3400-\u9fff]{{2}})")
_EN_WORD = r"([a-z]{3,})"
_ENGLISH_NEGATION = re.compile(
    rf"(?<![0-9a-z])(?:{'|'.join(_DATA['negation']['en_before'])})[ -]{_EN_WORD}(?![0-9a-z])"
    rf"|(?<![0-9a-z]){_EN_WORD}[ -](?:{'|'.join(_DATA['negation']['en_after'])})(?![0-9a-z])"
)


@dataclass(frozen=True, slots=True)
class Stances:
    """What a normalized text says: the side it takes in each exclusive group (with the word it
    says it by), and the words it denies."""

    text: str = ""
    sides: tuple[tuple[int, int, str], ...] = ()  # group, side, word
    denials: tuple[tuple[str, str], ...] = ()  # the word denied, and the words that deny it
    taken: Mapping[int, tuple[int, str]] = field(default_factory=dict, compare=False)
    """Group -> (side, the word of its first mention), for each group where the text takes one
    side only (worked out once: a record is compared with a dozen candidates)."""

    @property
    def denied(self) -> frozenset[str]:
        return frozenset(word for word, _ in self.denials)

    def affirms(self, word: str) -> bool:
        """Whether the text says `word` other than right after a negation."""
        if word.isascii():
            return re.search(_pattern(word), self.text) is not None and word not in self.denied
        start = self.text.find(word)
        while start >= 0:
            if not self.text[:start].endswith(_PREFIXES):
                return True
            start = self.text.find(word, start + 1)
        return False


NO_STANCES = Stances()


@lru_cache(maxsize=1 << 16)
def stances(text: str) -> Stances:
    """The stances of a normalized text (several texts: joined by ` | `)."""
    found = list(_SIDE.finditer(text))
    sides = tuple((*_SIDES[m[0]], m[0]) for m in found)
    taken = {i for m in found for i in range(*m.span())}  # a side's word (无铅) is not denied again
    denials = [
        (m[1] or m[2] or "", m[0])
        for pattern in (_CHINESE_NEGATION, _ENGLISH_NEGATION)
        for m in pattern.finditer(text)
        if m.start() not in taken
    ]
    return Stances(text, sides, tuple((word, said) for word, said in denials if word), _taken(sides))


def _taken(sides: tuple[tuple[int, int, str], ...]) -> dict[int, tuple[int, str]]:
    """The side of each group that `sides` takes one side of, with its first word, by group."""
    first: dict[int, tuple[int, str]] = {}
    both: set[int] = set()
    for group, side, word in sides:  # in the text's order
        if first.setdefault(group, (side, word))[0] != side:
            both.add(group)
    return {group: first[group] for group in sorted(first.keys() - both)}


def contradictions(record: Stances, labels: Stances, names: Stances) -> list[tuple[str, str]]:
    """Where a candidate says the opposite of the record, by the sides its `labels` take and the
    words all its `names` affirm or deny: pairs of (what the record says, what the candidate
    says), at most two."""
    if not (record.sides and labels.sides) and not record.denials and not names.denials:
        return []  # the usual case, decided before any of the work below
    theirs_taken = labels.taken
    found = [
        (ours[1], theirs[1])
        for group, ours in record.taken.items()
        if (theirs := theirs_taken.get(group)) is not None and ours[0] != theirs[0]
    ]
    candidate = names
    theirs_denied, ours_denied = candidate.denied, record.denied
    found += [(said, word) for word, said in record.denials if word not in theirs_denied and candidate.affirms(word)]
    found += [(word, said) for word, said in candidate.denials if word not in ours_denied and record.affirms(word)]
    return list(dict.fromkeys(found))[:_MAX_CONTRADICTIONS]
