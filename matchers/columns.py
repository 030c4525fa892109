"""Which column of a record or a catalog holds what: headers recognized as the record fields the
matcher reads, in one place for the Python API's records and the bulk reader (`bulk.columns`).

Headers are compared without case, width, spaces or punctuation (`Product_Name`, `规格/型号`,
`Model No.`). A record's columns keep the names the matcher already reads as they are; another
header it recognizes is renamed to its field (`modelno`, `MPN`, `订货号` to `model`), and the
user may name a field's column outright (`mapped`). A column that is none of the fields is not
used, and `unused` names it so that a result can say so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

from common.errors import InvalidSetting
from matchers.extract import COLUMN_ROLES


def _role(role: str) -> tuple[str, ...]:
    return tuple(header for header, r in COLUMN_ROLES.items() if r == role)


NAME_HEADERS = ("name", "title", "品名", "名称", "产品名称", "商品名称", "product", "product name")
MAKER_HEADERS = ("manufacturer", "maker", "厂家", "厂商", "生产厂家", "制造商", "mfr", "mfg")
CATEGORY_HEADERS = ("category", "类别", "分类", "品类", "产品类别")
DESCRIPTION_HEADERS = ("description", "描述", "说明")

FIELDS: dict[str, tuple[str, ...]] = {
    "name": (*NAME_HEADERS, "物料名称", "货品名称", "商品名", "产品名", "品名规格", "item name", "product title"),
    "spec": (*_role("spec"), "规格尺寸", "尺寸规格", "规格参数", "specs", "dimensions"),
    "model": (
        *_role("model"), "modelno", "model no", "model number", "型号规格", "mpn", "part number", "part no",
        "partno", "pn", "p/n", "mfr part number", "manufacturer part number", "订货号", "物料编码",
        "料号", "物料号", "产品编码", "商品编码", "零件号", "article number", "art no", "catalog number",
    ),
    "material": _role("material"),
    "finish": _role("finish"),
    "standard": _role("standard"),
    "brand": (*_role("brand"), "brand name", "make", "品牌名称", "商标"),
    "manufacturer": MAKER_HEADERS,
    "category": CATEGORY_HEADERS,
    "description": (*DESCRIPTION_HEADERS, "物料描述", "商品描述", "产品描述", "details"),
    "unit": ("unit", "单位", "计量单位", "uom", "unit of measure", "基本单位"),
}  # fmt: skip
"""Record field -> the headers that mean it. `unit` the matcher does not read yet: a record's unit
column is named among the columns not used."""

USED_FIELDS = frozenset(FIELDS) - {"unit"}

_PUNCTUATION = re.compile(r"[\s_\-/\\.:#()（）【】\[\]]+")


def header_key(header: str) -> str:
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", header).casefold())


_BY_KEY = {header_key(header): field for field, headers in FIELDS.items() for header in headers}
TEXT_HEADERS = frozenset((*NAME_HEADERS, *COLUMN_ROLES, *MAKER_HEADERS, *CATEGORY_HEADERS))
"""Headers whose values make up a record's text, read under their own name (lower case)."""
_READ = TEXT_HEADERS | frozenset(DESCRIPTION_HEADERS)


@lru_cache(maxsize=1 << 10)
def field_of(header: str) -> str | None:
    """The record field a header means, or None (kept: a catalog asks it of the same few headers
    on every row)."""
    return _BY_KEY.get(header_key(header))


def canonical(columns: Mapping[str, str]) -> dict[str, str]:
    """The columns with each recognized header the matcher would not read as it is renamed to its
    field (values of one field joined in order); the others as they are."""
    if all(name.strip().casefold() in _READ or _used_field(name) is None for name in columns):
        return dict(columns)
    renamed: dict[str, str] = {}
    for (key, _), value in canonical_pairs(columns):
        renamed[key] = f"{renamed[key]} {value}" if key in renamed else value
    return renamed


def mapped(columns: Mapping[str, str], overrides: Mapping[str, str | None]) -> dict[str, str]:
    """The columns with the user's mapping applied: field -> header (that column is read as the
    field, and no other), or field -> None (no column is read as the field). A column left out
    is kept under a name nothing reads (`SET_ASIDE`), so that it is named among those not used."""
    unknown = sorted(set(overrides) - set(FIELDS))
    if unknown:
        raise InvalidSetting(
            f"未知的字段 {', '.join(unknown)} / unknown column field {', '.join(unknown)} "
            f"(fields: {', '.join(FIELDS)})",
            field="columns",
        )
    chosen = {header_key(h): f for f, h in overrides.items() if h is not None}
    missing = [h for h in overrides.values() if h is not None and header_key(h) not in map(header_key, columns)]
    if missing:
        raise InvalidSetting(
            f"没有列 {', '.join(missing)} / no column {', '.join(missing)} (columns: {', '.join(columns)})",
            field="columns",
        )
    out: dict[str, str] = {}
    for name, value in canonical_pairs(columns):
        field = chosen.get(header_key(name[1]))
        aside = field is None and field_of(name[0]) in overrides  # the user reads another column as it, or none
        key = SET_ASIDE + name[1] if aside else field or name[0]
        out[key] = f"{out[key]} {value}" if key in out else value
    return out


SET_ASIDE = "(not used) "


def canonical_pairs(columns: Mapping[str, str]) -> list[tuple[tuple[str, str], str]]:
    """((the name the matcher reads a column under, its header), value) of each column."""
    return [
        ((name if name.strip().casefold() in _READ else _used_field(name) or name, name), v)
        for name, v in columns.items()
    ]


def _used_field(header: str) -> str | None:
    field = field_of(header)
    return field if field in USED_FIELDS else None


def unused(columns: Mapping[str, str]) -> list[str]:
    """The headers of the columns with a value that the matcher does not read (a unit, a price,
    an unknown header, a column the user set aside)."""
    return [
        name.removeprefix(SET_ASIDE).strip()
        for name, value in columns.items()
        if value and (name.startswith(SET_ASIDE) or field_of(name) not in USED_FIELDS)
    ]
