"""Helpers for the registry tests: firms with valid codes, products on the fixture's bolt classes."""

from __future__ import annotations

from ontology.editing import Edit
from ontology.registry.firms import create_firm
from ontology.registry.identifiers import gtin_check_digit, uscc_check_character
from ontology.registry.model import Firm, FirmInput, ProductInput, ProductValue
from ontology.registry.products import ProductRow
from ontology.store import Store
from tests.bundles import HEX_BOLT, SOCKET_SCREW

EDIT = Edit("test", "registry test")


def uscc(first17: str) -> str:
    return first17 + uscc_check_character(first17)


def gtin(body: str) -> str:
    return body + gtin_check_digit(body)


YONGKANG = uscc("91330784MA2E0A1B2")
JINHUA = uscc("91330701MA2D9C3K4")


def add_firms(store: Store) -> tuple[Firm, Firm]:
    return (
        create_firm(store, FirmInput(code=YONGKANG, name_zh="永康五金有限公司", name_en="Yongkang Hardware",
                                     region="金华市永康市"), EDIT),
        create_firm(store, FirmInput(code=JINHUA, name_zh="金华紧固件厂", region="金华市婺城区"), EDIT),
    )  # fmt: skip


def bolt(sku: str, thread: str | None = "M8", material: str | None = "A2", length: str | None = "30 mm",
         cls: str = HEX_BOLT, **fields: str) -> ProductInput:  # fmt: skip
    values = [
        ProductValue(property=p, text=t)
        for p, t in (("thread_size", thread), ("material", material), ("length", length))
        if t is not None
    ]
    return ProductInput(sku=sku, name_zh=f"六角螺栓 {sku}", class_code=cls, values=values, **fields)


def rows(*products: ProductInput) -> list[ProductRow]:
    return [ProductRow(row=n, product=p) for n, p in enumerate(products, 1)]


__all__ = ["SOCKET_SCREW", "bolt", "rows", "add_firms", "uscc", "gtin", "YONGKANG", "JINHUA", "EDIT"]
