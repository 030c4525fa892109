"""Labels and synonyms of the standard from its hand-written data, which holds simplified Chinese
and English only: traditional Chinese is converted with OpenCC."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ontology.model import Labels, Lang, Synonym

from ..chinese import to_traditional

_HAN = re.compile(r"[\u3400-\u9fff]")


def labels(zh: str | None, en: str | None) -> Labels:
    return Labels(zh_hans=zh, zh_hant=to_traditional(zh) if zh else None, en=en)


def synonyms(words: Iterable[str], of: Labels) -> list[Synonym]:
    """Each word in its language (traditional Chinese added where it differs), leaving out the
    labels themselves and repeats."""
    seen = set(of.texts())
    found = []
    for word in words:
        for text, lang in _spellings(word):
            if text not in seen:
                seen.add(text)
                found.append(Synonym(text=text, lang=lang))
    return found


def _spellings(word: str) -> list[tuple[str, Lang]]:
    if not _HAN.search(word):
        return [(word, "en")]
    return [(word, "zh-Hans"), (to_traditional(word), "zh-Hant")]
