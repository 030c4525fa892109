"""The Harmonized System with Taiwan's ten-digit national lines (customs tariff GC413, HS 2017).

The source lists only the ten-digit lines: `CODE NAME`, one file in Traditional Chinese and one in
English. Chapters (2 digits), headings (4) and subheadings (6) are derived from the codes. A
subheading split into a single national line takes that line's names; every other derived level
is named by its number alone ("第7318節" / "品目 7318" / "Heading 7318"), because the official
heading texts are not in the source and the first line under a heading would misname it.
Simplified Chinese is converted from the traditional text with OpenCC.
"""

from __future__ import annotations

from collections import defaultdict

from ontology.model import ConceptClass, Labels, Scheme, SchemeBundle

from .chinese import to_simplified
from .source_files import read_lines

CHAPTER, HEADING, SUBHEADING, NATIONAL_LINE = 1, 2, 3, 4
_PREFIX = {HEADING: 2, SUBHEADING: 4, NATIONAL_LINE: 6}  # digits of the parent's code

SCHEME = Scheme(
    code="HS",
    name=Labels(zh_hans="商品名称及编码协调制度", zh_hant="商品名稱及編碼協調制度", en="Harmonized System"),
    version="HS 2017; Taiwan customs tariff GC413 national lines",
    source="chinhungtseng/mofgc413 @ad02994f (inst/extdata/note_10_C.txt, note_10_E.txt)",
    licence="MIT (package); government data (Taiwan Customs Administration)",
    description="Chapter (2 digits), heading (4), subheading (6; international) and national line "
    "(10; Taiwan). Codes are digits without dots.",
    code_pattern=r"^\d{2}(\d{2}(\d{2}(\d{4})?)?)?$",
)


def load_hs() -> SchemeBundle:
    zh_hant = _names("note_10_C.txt")
    en = _names("note_10_E.txt")
    zh_hans = dict(zip(zh_hant, to_simplified(list(zh_hant.values())), strict=True))
    lines = [
        ConceptClass(
            code=code,
            parent=code[:6],
            level=NATIONAL_LINE,
            labels=Labels(zh_hans=zh_hans[code], zh_hant=zh_hant[code], en=en.get(code)),
        )
        for code in zh_hant
    ]
    lines_by_subheading: dict[str, list[ConceptClass]] = defaultdict(list)
    for line in lines:
        lines_by_subheading[line.code[:6]].append(line)

    subheadings = [_subheading(code, below) for code, below in lines_by_subheading.items()]
    headings = [_numbered(code, HEADING) for code in dict.fromkeys(s.code[:4] for s in subheadings)]
    chapters = [_numbered(code, CHAPTER) for code in dict.fromkeys(h.code[:2] for h in headings)]
    return SchemeBundle(scheme=SCHEME, classes=[*chapters, *headings, *subheadings, *lines])


def _names(name: str) -> dict[str, str]:
    """Code -> name; the first line is a header (`HS_NO NOTE`)."""
    rows = (line.split(" ", 1) for line in read_lines(name)[1:])
    return {code: text.strip() for code, text in rows}


def _subheading(code: str, lines: list[ConceptClass]) -> ConceptClass:
    if len(lines) == 1:
        return ConceptClass(code=code, parent=code[:4], level=SUBHEADING, labels=lines[0].labels)
    return _numbered(code, SUBHEADING)


def _numbered(code: str, level: int) -> ConceptClass:
    return ConceptClass(
        code=code,
        parent=code[: _PREFIX[level]] if level in _PREFIX else None,
        level=level,
        labels=_number_labels(code, level),
    )


def _number_labels(code: str, level: int) -> Labels:
    if level == CHAPTER:
        number = str(int(code))
        return Labels(zh_hans=f"第{number}章", zh_hant=f"第{number}章", en=f"Chapter {number}")
    if level == HEADING:
        return Labels(zh_hans=f"品目 {code}", zh_hant=f"第{code}節", en=f"Heading {code}")
    dotted = f"{code[:4]}.{code[4:]}"
    return Labels(zh_hans=f"子目 {dotted}", zh_hant=f"第{dotted}目", en=f"Subheading {dotted}")
