"""The CPMS hardware standard, first edition: classes with attribute templates, properties, units,
mappings to UNSPSC, GPC and HS, and standard fastener items."""

from __future__ import annotations

from ontology.model import Labels, Scheme, SchemeBundle

from ..chinese import to_traditional
from .classes import load_classes
from .items import load_items
from .mappings import load_mappings
from .vocabulary import load_properties, load_units

_NAME = "CPMS 五金产品主数据标准"

SCHEME = Scheme(
    code="CPMS",
    name=Labels(zh_hans=_NAME, zh_hant=to_traditional(_NAME), en="CPMS hardware product master data standard"),
    version="1.0",
    source="CPMS (seed_data/cpms); fastener sizes from FreeCAD_FastenersWB tables, see seed_data/NOTICE.md",
    licence="Apache-2.0",
    description="First edition: fasteners, locks, door and window hardware, pipe valves and fittings, "
    "hand tools, power tools and kitchenware for Zhejiang hardware makers.",
    code_pattern=r"^\d{8}-[0-9A-Z]$",
)


def load_cpms() -> SchemeBundle:
    properties = load_properties()
    return SchemeBundle(
        scheme=SCHEME,
        units=load_units(),
        properties=properties,
        classes=load_classes(),
        items=load_items(properties),
        mappings=load_mappings(),
    )
