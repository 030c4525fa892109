"""CPMS code format and its check character.

A CPMS class code is four two-digit levels (segment, family, class, subclass) and a check
character: `21010300-7`. A standard item code is its class's eight digits, a six-digit serial and
a check character: `21010300-000123-K`. The check character is ISO/IEC 7064 MOD 37,36 over the
digits (separators ignored), so any single mistyped character and any swap of two adjacent
characters is rejected instead of silently naming another product.

Codes of external schemes (UNSPSC, GPC, HS) keep their own formats and carry no check character.
"""

from __future__ import annotations

import re

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_M = 36

CLASS_CODE = re.compile(r"^(\d{8})-([0-9A-Z])$")
ITEM_CODE = re.compile(r"^(\d{8})-(\d{6})-([0-9A-Z])$")


class CodeFormatError(ValueError):
    """A code that does not follow the CPMS format or whose check character is wrong."""


def check_character(payload: str) -> str:
    """ISO/IEC 7064 MOD 37,36 (hybrid) check character for `payload` (digits and A-Z)."""
    p = _M
    for ch in payload:
        s = (p + ALPHABET.index(ch)) % _M or _M
        p = (2 * s) % (_M + 1)
    return ALPHABET[(_M + 1 - p) % _M]


def _is_valid(payload_with_check: str) -> bool:
    p = _M
    for ch in payload_with_check:
        s = (p + ALPHABET.index(ch)) % _M or _M
        p = (2 * s) % (_M + 1)
    return s == 1


def class_code(digits: str) -> str:
    """Build a class code from eight digits (`21010300` -> `21010300-7`)."""
    if not re.fullmatch(r"\d{8}", digits):
        raise CodeFormatError(f"class code digits must be 8 digits, got {digits!r}")
    return f"{digits}-{check_character(digits)}"


def item_code(class_digits: str, serial: int) -> str:
    if not re.fullmatch(r"\d{8}", class_digits) or not 0 < serial < 1_000_000:
        raise CodeFormatError(f"bad item code parts {class_digits!r}, {serial!r}")
    body = f"{class_digits}{serial:06d}"
    return f"{class_digits}-{serial:06d}-{check_character(body)}"


def validate_cpms_code(code: str) -> str:
    """Return the code, normalized to upper case, or raise CodeFormatError naming the problem."""
    normalized = code.strip().upper()
    if m := CLASS_CODE.match(normalized):
        payload = m.group(1) + m.group(2)
    elif m := ITEM_CODE.match(normalized):
        payload = m.group(1) + m.group(2) + m.group(3)
    else:
        raise CodeFormatError(f"{code!r} is not a CPMS code: expected NNNNNNNN-C (class) or NNNNNNNN-NNNNNN-C (item)")
    if not _is_valid(payload):
        raise CodeFormatError(f"{code!r} has a wrong check character: the code is mistyped")
    return normalized


def class_digits(code: str) -> str:
    """The eight level digits of a CPMS class or item code."""
    return validate_cpms_code(code)[:8]


def parent_digits(digits: str) -> str | None:
    """Digits of the parent level: `21010300` -> `21010000`; a segment has no parent."""
    levels = [digits[i : i + 2] for i in range(0, 8, 2)]
    used = [lv for lv in levels if lv != "00"]
    if len(used) <= 1:
        return None
    depth = len(used) - 1
    return "".join(levels[:depth]) + "00" * (4 - depth)


def level_of(digits: str) -> int:
    return len([digits[i : i + 2] for i in range(0, 8, 2) if digits[i : i + 2] != "00"])
