"""Index terms of normalized text: what the candidate index posts and looks up.

- each Latin or digit token whole (`m8x30`, `gb/t5783`), with a plural `s` dropped from words; a
  hyphenated token also gives its parts and its compact form (`kdl-40v4100`: `kdl`, `40v4100`,
  `kdl40v4100`), since catalogs write model numbers with and without the hyphen;
- each Chinese character and each pair of adjacent characters (pairs from `tokenize`), so word
  order and partial words still overlap.
"""

from __future__ import annotations

from functools import lru_cache

from matchers.normalize import tokenize


def is_chinese(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def stem(token: str) -> str:
    if len(token) > 3 and token.isalpha() and token.isascii():
        if token.endswith("ies"):
            return token[:-3] + "y"
        if token.endswith(("xes", "ches", "shes", "sses")):
            return token[:-2]
        if token.endswith("s") and not token.endswith(("ss", "us", "is")):
            return token[:-1]
    return token


@lru_cache(maxsize=1 << 17)
def _latin_terms(token: str) -> tuple[str, ...]:
    if "-" not in token:
        return (stem(token),)
    parts = [part for part in token.split("-") if part]
    return (token, token.replace("-", ""), *(stem(part) for part in parts))


def text_terms(text: str) -> list[str]:
    """Terms of normalized text, in order, with repeats."""
    terms: list[str] = []
    for token in tokenize(text):
        if is_chinese(token[0]):
            terms.append(token)
            if len(token) == 2:
                terms.extend(token)
        else:
            terms.extend(_latin_terms(token))
    return terms


def is_chinese_pair(term: str) -> bool:
    return len(term) == 2 and is_chinese(term[0]) and is_chinese(term[1])
