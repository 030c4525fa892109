"""Which encoding a text file from a Chinese supplier is in: UTF-8 (with or without BOM), UTF-16
by its BOM, GB18030 (the superset of GBK and GB2312, mainland China) or Big5 (Taiwan, Hong Kong).

GB18030 decodes most Big5 bytes without an error, into the wrong characters, so a decoder that
tries encodings in turn cannot tell them apart: `charset-normalizer` judges which reading is text,
and where it cannot (a few characters read as well either way) the first of `CANDIDATES` wins.
A file whose bytes no candidate reads cleanly is UTF-8 when its valid UTF-8 characters outnumber
its bad bytes (a UTF-8 file with a few bad bytes gets errors on those rows), else GB18030.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
CANDIDATES = ("utf-8", "gb18030", "big5")
UNDECODABLE = re.compile("[\udc80-\udcff]+")
"""Bytes an encoding could not read, as `surrogateescape` keeps them."""


def detect_encoding(sample: bytes) -> str:
    """The encoding of a file that starts with `sample` (a whole number of lines, or the whole file),
    as a name Python's codecs know: one of `CANDIDATES`, or a BOM's."""
    for bom, encoding in BOMS:
        if sample.startswith(bom):
            return encoding
    readings = {
        codecs.lookup(m.encoding).name: (m.chaos, -m.coherence)
        for m in from_bytes(sample, cp_isolation=list(CANDIDATES))
    }
    if readings:
        return min(readings, key=lambda name: (readings[name], CANDIDATES.index(name)))
    text = sample.decode("utf-8", "surrogateescape")
    bad = sum(len(m.group()) for m in UNDECODABLE.finditer(text))
    multibyte = sum(1 for c in text if ord(c) > 0x7F) - bad
    return "utf-8" if multibyte >= 3 * bad else "gb18030"
