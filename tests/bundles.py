"""Small, hand-built scheme bundles for tests: a slice of UNSPSC and a slice of the CPMS standard."""

from __future__ import annotations

from ontology.codes import class_code, item_code
from ontology.editing import Edit
from ontology.importing import import_bundle
from ontology.model import (
    ClassProperty,
    ConceptClass,
    DataType,
    Item,
    ItemValue,
    Labels,
    Mapping,
    Property,
    Scheme,
    SchemeBundle,
    SkosRelation,
    Synonym,
    Unit,
    Value,
)
from ontology.schema import apply_schema
from ontology.store import Store

FASTENERS = class_code("21000000")
BOLTS = class_code("21010000")
HEX_BOLT = class_code("21010100")
SOCKET_SCREW = class_code("21010200")
HEX_BOLT_M8X30 = item_code("21010100", 1)


def labels(zh: str, en: str, hant: str | None = None) -> Labels:
    return Labels(**{"zh-Hans": zh, "zh-Hant": hant, "en": en})


def unspsc_bundle() -> SchemeBundle:
    return SchemeBundle(
        scheme=Scheme(
            code="UNSPSC",
            name=labels("联合国标准产品与服务分类", "UNSPSC"),
            version="7.0901",
            source="openacs/ref-unspsc",
            licence="UNSPSC is free of charge",
            code_pattern=r"\d{8}",
        ),
        classes=[
            ConceptClass(
                code="31000000", level=1, labels=labels("制造部件和用品", "Manufacturing Components and Supplies")
            ),
            ConceptClass(code="31160000", parent="31000000", level=2, labels=labels("硬件", "Hardware")),
            ConceptClass(code="31161600", parent="31160000", level=3, labels=labels("螺栓", "Bolts")),
        ],
    )


def cpms_bundle() -> SchemeBundle:
    thread = Property(
        code="thread_size",
        labels=labels("螺纹规格", "Thread size"),
        data_type=DataType.enum,
        values=[Value(code=c, labels=labels(c, c)) for c in ("M6", "M8", "M10")],
    )
    material = Property(
        code="material",
        labels=labels("材质", "Material"),
        data_type=DataType.enum,
        values=[
            Value(
                code="stainless_304",
                labels=labels("304不锈钢", "Stainless steel 304"),
                synonyms=[Synonym(text="SUS304", lang="en"), Synonym(text="A2")],
            ),
            Value(code="carbon_steel", labels=labels("碳钢", "Carbon steel")),
        ],
    )
    length = Property(code="length", labels=labels("公称长度", "Nominal length"), data_type=DataType.number, unit="mm")
    return SchemeBundle(
        scheme=Scheme(
            code="CPMS",
            name=labels("浙江产品主数据标准", "CPMS hardware standard"),
            version="1.0",
            source="CPMS",
            licence="CC-BY-4.0",
        ),
        units=[
            Unit(code="mm", symbol="mm", labels=labels("毫米", "millimetre"), quantity="length", base="m", factor=0.001)
        ],
        properties=[thread, material, length],
        classes=[
            ConceptClass(
                code=FASTENERS,
                level=1,
                labels=labels("紧固件", "Fasteners", "緊固件"),
                properties=[ClassProperty(property="material", required=True)],
            ),
            ConceptClass(
                code=BOLTS,
                parent=FASTENERS,
                level=2,
                labels=labels("螺栓", "Bolts"),
                properties=[ClassProperty(property="thread_size", required=True), ClassProperty(property="length")],
            ),
            ConceptClass(
                code=HEX_BOLT,
                parent=BOLTS,
                level=3,
                labels=labels("六角头螺栓", "Hexagon head bolt"),
                definition=labels("头部为六角形的螺栓", "Bolt with a hexagonal head"),
                synonyms=[Synonym(text="外六角螺丝"), Synonym(text="hex bolt", lang="en", source="trade")],
            ),
            ConceptClass(
                code=SOCKET_SCREW,
                parent=BOLTS,
                level=3,
                labels=labels("内六角圆柱头螺钉", "Socket head cap screw"),
                synonyms=[Synonym(text="内六角螺丝")],
            ),
        ],
        items=[
            Item(
                code=HEX_BOLT_M8X30,
                class_code=HEX_BOLT,
                labels=labels("六角头螺栓 M8×30 304", "Hex bolt M8x30 A2"),
                values=[
                    ItemValue(property="thread_size", value="M8"),
                    ItemValue(property="length", number=30.0),
                    ItemValue(property="material", value="stainless_304"),
                ],
            ),
        ],
        mappings=[Mapping(from_code=BOLTS, to_scheme="UNSPSC", to_code="31161600", relation=SkosRelation.exactMatch)],
    )


def load_fixture_schemes(store: Store) -> None:
    apply_schema(store)
    import_bundle(store, unspsc_bundle(), Edit("test", "fixture"))
    import_bundle(store, cpms_bundle(), Edit("test", "fixture"))
