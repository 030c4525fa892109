"""Which column holds what: detection from common headers, `--column` overrides, and the file
error when no column names the product."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bulk import BulkSettings
from bulk.columns import map_columns, parse_overrides, to_record, unused_headers
from common.errors import InvalidInput


@pytest.mark.parametrize(
    ("headers", "fields"),
    [
        (
            ["货号", "品名", "规格型号", "材质", "品牌", "单位", "单价"],
            ["name", "spec", "material", "brand", "unit"],  # 货号: the firm's own stock code
        ),
        (["商品名称", "规格", "型号", "表面处理"], ["name", "spec", "model", "finish"]),
        (["物料编码", "物料名称", "规格/型号", "计量单位"], ["model", "name", "spec", "unit"]),
        (["SKU", "Product_Name", "Brand", "MODEL", "Description"], ["name", "brand", "model", "description"]),
        (["品名", "modelno", "Part No.", "MPN", "UOM", "订货号"], ["name", "model", "model", "model", "unit", "model"]),
        (["title", "size", "material"], ["name", "spec", "material"]),
        (["描述", "执行标准", "生产厂家"], ["description", "standard", "manufacturer"]),
        ([" 名称 ", "Ｓｐｅｃ"], ["name", "spec"]),
    ],
)
def test_common_headers_are_recognized(headers, fields):
    assert [field for _, field in map_columns(headers)] == fields


def test_overrides_name_a_column_or_ignore_a_field():
    headers = ["编号", "货品", "规格", "品牌"]
    columns = map_columns(headers, parse_overrides(["name=货品", "brand="]))
    assert columns == [("货品", "name"), ("规格", "spec")]
    assert map_columns(["编号", "Item Text"], {"name": "item text"}) == [("Item Text", "name")]


def test_an_override_naming_a_missing_column_fails_with_the_headers():
    with pytest.raises(InvalidInput, match="no such column.*编号, 货品"):
        map_columns(["编号", "货品"], {"name": "品名"})


def test_no_name_column_fails_the_file():
    with pytest.raises(InvalidInput, match="no product name column among the headers 货号, 单价.*--column name="):
        map_columns(["货号", "单价"])


def test_unknown_fields_and_bad_options_are_rejected():
    with pytest.raises(ValidationError, match="unknown column field colour"):
        BulkSettings(columns={"colour": "颜色"})
    with pytest.raises(InvalidInput, match="FIELD=HEADER"):
        parse_overrides(["name"])


def test_a_record_joins_the_columns_of_one_field_in_file_order():
    columns = map_columns(["品名", "名称", "规格", "单价"])
    record = to_record({"品名": "螺栓", "名称": " 外六角 ", "规格": "", "单价": "1.2"}, columns)
    assert record == {"name": "螺栓 外六角"}


def test_the_columns_not_read_are_named():
    headers = ["货号", "品名", "单位", "单价", "备注"]
    assert unused_headers(headers, map_columns(headers)) == ["货号", "单位", "单价", "备注"]
