"""Columns of a record: common headers recognized in one place, the user's mapping, and every
column not used named in the result's warnings."""

from __future__ import annotations

import pytest

from common.errors import InvalidSetting
from matchers import Matcher
from matchers.columns import field_of
from tests.matcher_bundles import CPMS, HEX_BOLT

CATALOG = [
    {"id": "1", "name": "Cordless drill driver", "model": "GSR12V-15"},
    {"id": "2", "name": "Cordless drill driver", "model": "GSR18V-28"},
    {"id": "3", "name": "Cordless drill driver", "model": "GSB18V-55"},
]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("型号", "model"), ("规格型号", "spec"), ("订货号", "model"), ("物料编码", "model"),
        ("品牌", "brand"), ("规格", "spec"), ("单位", "unit"), ("modelno", "model"), ("model_no", "model"),
        ("Model Number", "model"), ("MPN", "model"), ("part_number", "model"), ("Part No.", "model"),
        ("Brand", "brand"), ("spec", "spec"), ("Specification", "spec"), ("UOM", "unit"),
        ("单价", None),
    ],
)  # fmt: skip
def test_common_headers_name_their_field(header: str, field: str | None) -> None:
    assert field_of(header) == field


def test_a_model_number_column_under_another_name_is_read() -> None:
    """`modelno` is read as the model number, which tells the catalog's drills apart."""
    catalog = Matcher.from_records(CATALOG, id_column="id")
    for header in ("modelno", "MPN", "型号", "订货号"):
        result = catalog.match({"name": "cordless drill", header: "GSR18V-28"})
        assert result.top is not None and result.top.code == "2", header
        assert result.top.features["model_agree"] == 1.0
        assert not any("not used" in w for w in result.warnings)


def test_every_column_not_used_is_named_in_the_warnings() -> None:
    matcher = Matcher.from_bundles([CPMS])
    result = matcher.match({"品名": "六角螺栓", "规格": "M8*30", "单价": "0.35", "UOM": "pcs", "Colour": "grey"})
    assert result.top is not None and result.top.code == HEX_BOLT
    assert [w for w in result.warnings if "not used" in w] == [
        "未使用的列 单价, UOM, Colour：列名不是匹配所读的字段（可用 columns={字段: 列名} 指定）/ columns not used: "
        "单价, UOM, Colour; their headers name no field the matcher reads (name a column's field with "
        "columns={field: header})"
    ]
    assert not any("not used" in w for w in matcher.match("六角螺栓 M8*30").warnings)


def test_the_user_maps_columns_to_fields() -> None:
    catalog = Matcher.from_records(CATALOG, id_column="id")
    record = {"name": "cordless drill", "型号": "GSR12V-15", "Art.-Nr.": "GSR18V-28"}
    assert catalog.match(record).top.code == "1"  # type: ignore[union-attr]
    mapped = catalog.match(record, columns={"model": "Art.-Nr."})
    assert mapped.top is not None and mapped.top.code == "2"
    assert any("型号" in w and "not used" in w for w in mapped.warnings)  # set aside: the user named another
    ignored = catalog.match(record, columns={"model": None})
    assert any("型号, Art.-Nr." in w for w in ignored.warnings)
    with pytest.raises(InvalidSetting, match="unknown column field colour"):
        catalog.match(record, columns={"colour": "Farbe"})
    with pytest.raises(InvalidSetting, match="no column Farbe"):
        catalog.match(record, columns={"model": "Farbe"})


@pytest.mark.parametrize("header", ["货号", "SKU", "sku"])
def test_a_firms_own_stock_code_is_not_a_model_number(header: str) -> None:
    """货号 and SKU number a firm's own stock, not the maker's model: they say nothing of the
    product's class, and are named among the columns not used."""
    assert field_of(header) is None
