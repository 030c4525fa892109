"""Small hand-built schemes for the matcher tests: a few CPMS fastener, hinge and tool classes with
templates and standard items, and a tiny external scheme."""

from __future__ import annotations

from typing import Any

from ontology.codes import class_code, item_code
from ontology.model import (
    ClassProperty,
    ConceptClass,
    DataType,
    Item,
    ItemValue,
    Labels,
    Property,
    Scheme,
    SchemeBundle,
    Status,
    Synonym,
    Unit,
    Value,
)
from tests.bundles import BOLTS, FASTENERS, HEX_BOLT, SOCKET_SCREW

OLD_HEX_SCREW = class_code("21019900")
NUTS = class_code("21020000")
HEX_NUT = class_code("21020100")
DOOR_HARDWARE = class_code("22000000")
HINGE = class_code("22010000")
TOOLS = class_code("23000000")
WRENCH = class_code("23010000")
TAPE = class_code("23020000")

BOLT_M8X30 = item_code("21010100", 1)
BOLT_M10X30 = item_code("21010100", 2)
BOLT_M8X40_304 = item_code("21010100", 3)


def _labels(zh: str, en: str) -> Labels:
    return Labels(zh_hans=zh, en=en)


def _value(code: str, zh: str, en: str, *synonyms: str) -> Value:
    return Value(code=code, labels=_labels(zh, en), synonyms=[Synonym(text=s) for s in synonyms])


UNITS = [
    Unit(code="mm", symbol="mm", labels=_labels("毫米", "millimetre"), quantity="length", base="m", factor=0.001),
    Unit(code="m", symbol="m", labels=_labels("米", "metre"), quantity="length", base="m", factor=1.0),
    Unit(
        code="in", symbol="in", labels=_labels("英寸", "inch"), quantity="length", base="m", factor=0.0254,
        synonyms=[Synonym(text="inch", lang="en")],
    ),
]  # fmt: skip

PROPERTIES = [
    Property(
        code="material", labels=_labels("材质", "Material"), data_type=DataType.enum,
        values=[
            _value("ss304", "不锈钢304", "stainless steel 304", "304", "SUS304", "A2"),
            _value("carbon_steel", "碳钢", "carbon steel", "碳素钢", "Q235"),
            _value("brass", "黄铜", "brass", "铜", "全铜"),
        ],
    ),
    Property(
        code="surface_treatment", labels=_labels("表面处理", "Surface treatment"), data_type=DataType.enum,
        values=[
            _value("zinc_plated", "镀锌", "zinc plated", "蓝白锌", "BZP"),
            _value("plain", "本色", "plain", "原色"),
        ],
    ),
    Property(
        code="thread_size", labels=_labels("螺纹规格", "Thread size"), data_type=DataType.enum,
        values=[_value(m, m, m) for m in ("M6", "M8", "M10", "M12")],
    ),
    Property(code="nominal_length", labels=_labels("公称长度", "Nominal length"), data_type=DataType.number, unit="mm"),
    Property(
        code="product_standard", labels=_labels("产品标准", "Product standard"), data_type=DataType.enum,
        values=[
            _value("GB/T 5782", "GB/T 5782", "GB/T 5782", "ISO 4014", "DIN 931"),
            _value("GB/T 5783", "GB/T 5783", "GB/T 5783", "ISO 4017", "DIN 933"),
        ],
    ),
    Property(
        code="property_class", labels=_labels("性能等级", "Property class"), data_type=DataType.enum,
        values=[_value("8.8", "8.8级", "8.8"), _value("10.9", "10.9级", "10.9")],
    ),
    Property(code="hinge_size", labels=_labels("合页规格", "Hinge size"), data_type=DataType.number, unit="in"),
    Property(code="tape_length", labels=_labels("尺长", "Tape length"), data_type=DataType.number, unit="m"),
]  # fmt: skip


def _class(code: str, parent: str | None, level: int, zh: str, en: str, *synonyms: str, **extra: Any) -> ConceptClass:
    return ConceptClass(
        code=code, parent=parent, level=level, labels=_labels(zh, en), synonyms=[Synonym(text=s) for s in synonyms],
        **extra,
    )  # fmt: skip


CLASSES = [
    _class(FASTENERS, None, 1, "紧固件", "Fasteners"),
    _class(
        BOLTS, FASTENERS, 2, "螺栓", "Bolts",
        properties=[ClassProperty(property="material"), ClassProperty(property="surface_treatment")],
    ),
    _class(
        HEX_BOLT, BOLTS, 3, "六角头螺栓", "Hexagon head bolt", "外六角螺栓", "六角螺丝", "hex bolt",
        properties=[
            ClassProperty(property="thread_size", required=True),
            ClassProperty(property="nominal_length", required=True),
            ClassProperty(property="product_standard"),
            ClassProperty(property="property_class"),
        ],
    ),
    _class(
        SOCKET_SCREW, BOLTS, 3, "内六角圆柱头螺钉", "Hexagon socket head cap screw", "内六角螺丝", "杯头螺丝",
        properties=[ClassProperty(property="thread_size", required=True), ClassProperty(property="nominal_length")],
    ),
    _class(
        OLD_HEX_SCREW, BOLTS, 3, "外六角全牙螺丝", "Full thread hex screw (old)",
        status=Status.deprecated, replaced_by=HEX_BOLT,
    ),
    _class(NUTS, FASTENERS, 2, "螺母", "Nuts", "螺帽"),
    _class(HEX_NUT, NUTS, 3, "六角螺母", "Hexagon nut", properties=[ClassProperty(property="thread_size")]),
    _class(DOOR_HARDWARE, None, 1, "门窗五金", "Door and window hardware"),
    _class(
        HINGE, DOOR_HARDWARE, 2, "合页", "Hinge", "铰链",
        properties=[ClassProperty(property="material"), ClassProperty(property="hinge_size", required=True)],
    ),
    _class(TOOLS, None, 1, "工具", "Tools"),
    _class(WRENCH, TOOLS, 2, "活动扳手", "Adjustable wrench", "活扳手", "活口扳手"),
    _class(
        TAPE, TOOLS, 2, "卷尺", "Tape measure", "钢卷尺", "盒尺",
        properties=[ClassProperty(property="tape_length", required=True)],
    ),
]  # fmt: skip


def _item(code: str, zh: str, en: str, values: list[ItemValue]) -> Item:
    return Item(code=code, class_code=HEX_BOLT, labels=_labels(zh, en), values=values)


ITEMS = [
    _item(
        BOLT_M8X30, "六角头螺栓 GB/T 5783 M8×30 8.8级 镀锌", "Hexagon head screw GB/T 5783 M8x30 8.8 zinc plated",
        [
            ItemValue(property="thread_size", value="M8"), ItemValue(property="nominal_length", number=30),
            ItemValue(property="product_standard", value="GB/T 5783"),
            ItemValue(property="property_class", value="8.8"),
            ItemValue(property="surface_treatment", value="zinc_plated"),
            ItemValue(property="material", value="carbon_steel"),
        ],
    ),
    _item(
        BOLT_M10X30, "六角头螺栓 GB/T 5783 M10×30 8.8级 镀锌", "Hexagon head screw GB/T 5783 M10x30 8.8 zinc plated",
        [
            ItemValue(property="thread_size", value="M10"), ItemValue(property="nominal_length", number=30),
            ItemValue(property="product_standard", value="GB/T 5783"),
            ItemValue(property="property_class", value="8.8"),
            ItemValue(property="surface_treatment", value="zinc_plated"),
            ItemValue(property="material", value="carbon_steel"),
        ],
    ),
    _item(
        BOLT_M8X40_304, "不锈钢304六角头螺栓 GB/T 5783 M8×40", "Stainless 304 hexagon head screw GB/T 5783 M8x40",
        [
            ItemValue(property="thread_size", value="M8"), ItemValue(property="nominal_length", number=40),
            ItemValue(property="product_standard", value="GB/T 5783"), ItemValue(property="material", value="ss304"),
        ],
    ),
]  # fmt: skip

CPMS = SchemeBundle(
    scheme=Scheme(code="CPMS", name=_labels("产品主数据标准", "CPMS"), version="test", source="tests", licence="test"),
    units=UNITS,
    properties=PROPERTIES,
    classes=CLASSES,
    items=ITEMS,
)

OTHER = SchemeBundle(
    scheme=Scheme(code="UNSPSC", name=Labels(en="UNSPSC"), version="test", source="tests", licence="test"),
    classes=[
        ConceptClass(code="31000000", level=1, labels=Labels(en="Manufacturing Components", zh_hans="制造部件")),
        ConceptClass(code="31160000", parent="31000000", level=2, labels=Labels(en="Hardware", zh_hans="五金件")),
        ConceptClass(code="31161600", parent="31160000", level=3, labels=Labels(en="Bolts", zh_hans="螺栓")),
        ConceptClass(code="31161500", parent="31160000", level=3, labels=Labels(en="Screws", zh_hans="螺钉")),
        ConceptClass(code="31161700", parent="31160000", level=3, labels=Labels(en="Nuts", zh_hans="螺母")),
        ConceptClass(code="31162400", parent="31160000", level=3, labels=Labels(en="Hinges", zh_hans="铰链")),
    ],
)  # fmt: skip
