"""UNSPSC 7.0901 from the OpenACS ref-unspsc package.

`unspsc_library.dat` lists every code with its message key and level; the titles live in two
message catalogs keyed by that message key: Simplified Chinese (not every key has one) and English.
"""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET

from ontology.model import ConceptClass, Labels, Scheme, SchemeBundle

from .source_files import read_bytes, read_lines

VERSION = "7.0901"
LEVELS = {"segment": 1, "family": 2, "class": 3, "commodity": 4}

SCHEME = Scheme(
    code="UNSPSC",
    name=Labels(zh_hans="联合国标准产品与服务分类代码", en="United Nations Standard Products and Services Code"),
    version=VERSION,
    source="openacs/ref-unspsc @2bf9da1f (sql/common/unspsc_library.dat, catalog/ref-unspsc.*.xml)",
    licence="UNSPSC: free of charge (UNDP); packaged as GPL within the context of OpenACS",
    description="Segment, family, class and commodity; eight digits, two per level.",
    code_pattern=r"^\d{8}$",
)


def load_unspsc() -> SchemeBundle:
    zh = _titles("ref-unspsc.zh_CH.utf-8.xml")
    en = _titles("ref-unspsc.en_US.ISO-8859-1.xml")
    classes = [
        ConceptClass(
            code=code,
            parent=parent_code(code, LEVELS[level]),
            level=LEVELS[level],
            labels=Labels(zh_hans=zh.get(key), en=en.get(key)),
        )
        for key, code, level, *_ in csv.reader(read_lines("unspsc_library.dat"))
    ]
    return SchemeBundle(scheme=SCHEME, classes=classes)


def parent_code(code: str, level: int) -> str | None:
    """`10101501` (commodity) -> `10101500`; a segment has no parent."""
    if level == 1:
        return None
    kept = 2 * (level - 1)
    return code[:kept] + "0" * (8 - kept)


def _titles(name: str) -> dict[str, str]:
    root = ET.fromstring(read_bytes(name))  # the XML declaration names the encoding
    return {msg.get("key", ""): text for msg in root.iter("msg") if (text := (msg.text or "").strip())}
