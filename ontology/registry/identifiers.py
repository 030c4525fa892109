"""The identifiers of the registry, each with its check character:

- a firm's unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from the
  31 the standard allows (digits and capitals without I, O, Z, S, V), the last a check character
  over the first 17 (weights 3^i mod 31);
- a GTIN (GTIN-8, UPC-A, EAN-13, GTIN-14), the last digit a GS1 mod-10 check digit;
- a CPMS product ID, `P0000012345-K`: `P`, a ten-digit serial CPMS hands out in order and never
  again, and the ISO/IEC 7064 MOD 37,36 check character of the class codes (ontology/codes.py)
  over `P` and the serial.
"""

from __future__ import annotations

import re

from ontology.codes import check_character

USCC_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_USCC = re.compile(rf"^[{USCC_CHARACTERS}]{{18}}$")
_GTIN = re.compile(r"^(\d{8}|\d{12}|\d{13}|\d{14})$")
PRODUCT_ID = re.compile(r"^P(\d{10})-([0-9A-Z])$")
MAX_SERIAL = 10**10 - 1


class IdentifierError(ValueError):
    """An identifier that does not follow its format, or whose check character is wrong."""


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_CHARACTERS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARACTERS[(31 - total % 31) % 31]


def validate_uscc(code: str) -> str:
    """The code in upper case, or IdentifierError naming the problem."""
    normalized = code.strip().upper()
    if not _USCC.match(normalized):
        raise IdentifierError(
            f"统一社会信用代码 {code!r} 应为 18 位数字或大写字母（不含 I、O、Z、S、V） / "
            f"unified social credit code {code!r} must be 18 digits or capitals (no I, O, Z, S, V)"
        )
    if uscc_check_character(normalized[:17]) != normalized[17]:
        raise IdentifierError(
            f"统一社会信用代码 {code!r} 的校验码不对，代码有误 / "
            f"unified social credit code {code!r} has a wrong check character: it is mistyped"
        )
    return normalized


def gtin_check_digit(body: str) -> str:
    """The GS1 check digit of the digits before it (weights 3, 1, 3 ... from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def validate_gtin(code: str) -> str:
    """A GTIN-8, -12, -13 or -14 as given (spaces removed), or IdentifierError naming the problem."""
    normalized = code.replace(" ", "").strip()
    if not _GTIN.match(normalized):
        raise IdentifierError(
            f"GTIN {code!r} 应为 8、12、13 或 14 位数字 / GTIN {code!r} must be 8, 12, 13 or 14 digits"
        )
    if gtin_check_digit(normalized[:-1]) != normalized[-1]:
        raise IdentifierError(f"GTIN {code!r} 的校验位不对 / GTIN {code!r} has a wrong check digit")
    return normalized


def product_id(serial: int) -> str:
    if not 0 < serial <= MAX_SERIAL:
        raise IdentifierError(f"product serial {serial} is out of range")
    body = f"P{serial:010d}"
    return f"{body}-{check_character(body)}"


def validate_product_id(text: str) -> str:
    normalized = text.strip().upper()
    match = PRODUCT_ID.match(normalized)
    if match is None:
        raise IdentifierError(
            f"{text!r} 不是 CPMS 产品编号（P + 10 位数字 + 校验码） / "
            f"{text!r} is not a CPMS product ID: expected P0000000000-C"
        )
    if check_character(f"P{match.group(1)}") != match.group(2):
        raise IdentifierError(f"产品编号 {text!r} 的校验码不对 / product ID {text!r} has a wrong check character")
    return normalized
