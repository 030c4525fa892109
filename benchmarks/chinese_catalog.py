"""A generated catalog of noisy Chinese hardware records, from the CPMS seed's standard items and
classes, with the truth each record came from.

The noise is what factory catalogs do: trade names and synonyms for the product name (外六角螺丝
for 六角头螺栓), the spellings of a designation (`M8*30`, `M8x30`, `M8X30`, `Ｍ８×３０`, `M8 30mm`),
value synonyms (304, SUS304, A2), traditional script, shuffled word order, brand and sales words,
fields left out, and rows split into columns (品名/规格/材质/表面处理/标准/品牌) or run together.
One record in `GENERIC_NAME` that states its product standard gives the generic name of the
item's parent class instead of its own (`六角头螺栓 GB/T 5783` for a fully threaded hex bolt,
`垫圈 GB/T 97.1` for a plain washer): the standard says which kind it is, as catalogs often leave
it to do; such a record still belongs to the item's class. Records made from a class name every
class, the broader ones too (`六角螺母 M8 镀锌` is a hex nut, not one of its narrower kinds): a
record belongs to the most specific class its words support.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ontology.model import ConceptClass, Item, Property, SchemeBundle
from seed_data.chinese import to_traditional

BRANDS = ("晋亿", "东明", "标五", "固万基", "卡罗特", "永康五金", "金华标准件", "宁波精工")
SALES_WORDS = ("厂家直销", "现货", "批发", "优质", "量大从优", "包邮")
FULL_WIDTH = str.maketrans(
    {c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz*"}
)
SIZE_SEPARATORS = ("×", "×", "*", "x", "X", " ")
SPELLED_FIELDS = ("material", "surface_treatment", "property_class", "product_standard")
GENERIC_NAME = 1 / 3


@dataclass
class Generated:
    record: str | dict[str, str]
    class_code: str
    item_code: str | None = None
    values: dict[str, str | float] = field(default_factory=dict)  # property -> value code or number the record states


def _is_chinese_or_code(text: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" for c in text) or any(c.isdigit() for c in text)


class CatalogGenerator:
    def __init__(self, bundle: SchemeBundle, seed: int) -> None:
        self.rng = random.Random(seed)
        self.classes = {c.code: c for c in bundle.classes}
        self.properties: dict[str, Property] = {p.code: p for p in bundle.properties}

    def _name(self, c: ConceptClass) -> str:
        names = [c.labels.zh_hans or "", *(s.text for s in c.synonyms if s.lang != "en")]
        name = self.rng.choice([n for n in names if n])
        return to_traditional(name) if self.rng.random() < 0.1 else name

    def _spelling(self, prop: str, code: str) -> str:
        value = next(v for v in self.properties[prop].values if v.code == code)
        texts = [t for t in (value.labels.zh_hans, *(s.text for s in value.synonyms)) if t and _is_chinese_or_code(t)]
        return self.rng.choice(texts or [value.labels.any()])

    def _size(self, values: dict[str, str | float]) -> str:
        thread = values.get("thread_size")
        length = values.get("nominal_length")
        if thread is None:
            return ""
        if length is None:
            return str(thread)
        number = f"{length:g}"
        spelled = f"{thread}{self.rng.choice(SIZE_SEPARATORS)}{number}{self.rng.choice(('', '', 'mm'))}"
        return spelled.translate(FULL_WIDTH) if self.rng.random() < 0.15 else spelled

    def _assemble(self, name: str, size: str, spelled: dict[str, str]) -> str | dict[str, str]:
        brand = self.rng.choice(BRANDS) if self.rng.random() < 0.4 else ""
        sales = self.rng.choice(SALES_WORDS) if self.rng.random() < 0.3 else ""
        if self.rng.random() < 0.5:
            columns = {"品名": name, "规格": size, "材质": spelled.get("material", ""),
                       "表面处理": spelled.get("surface_treatment", ""), "标准": spelled.get("product_standard", ""),
                       "品牌": brand}  # fmt: skip
            if "property_class" in spelled:
                columns["规格"] = f"{size} {spelled['property_class']}".strip()
            return {k: v for k, v in columns.items() if v}
        parts = [p for p in (size, *spelled.values(), brand, sales) if p]
        self.rng.shuffle(parts)
        parts.insert(0 if self.rng.random() < 0.6 else self.rng.randrange(len(parts) + 1), name)
        return self.rng.choice((" ", " ", ",", "，", "/")).join(parts)

    def from_item(self, item: Item) -> Generated:
        values: dict[str, str | float] = {v.property: v.value if v.value is not None else v.number for v in item.values}  # type: ignore[misc]
        stated = {k: v for k, v in values.items() if k in ("thread_size", "nominal_length")}
        spelled = {}
        for prop in SPELLED_FIELDS:
            if prop in values and self.rng.random() < 0.75:
                spelled[prop] = self._spelling(prop, str(values[prop]))
                stated[prop] = values[prop]
        named = self.classes[item.class_code]
        if "product_standard" in spelled and named.parent in self.classes and self.rng.random() < GENERIC_NAME:
            named = self.classes[named.parent]
        record = self._assemble(self._name(named), self._size(values), spelled)
        return Generated(record, item.class_code, item.code, stated)

    def from_class(self, c: ConceptClass) -> Generated:
        """A record naming a class, with a material or finish its template allows, and a thread
        size if it has one, each half the time."""
        spelled: dict[str, str] = {}
        stated: dict[str, str | float] = {}
        template = {p.property for cls in self._lineage(c) for p in cls.properties}
        for prop in ("material", "surface_treatment"):
            if prop in template and self.properties[prop].values and self.rng.random() < 0.5:
                code = self.rng.choice(self.properties[prop].values).code
                spelled[prop], stated[prop] = self._spelling(prop, code), code
        size = ""
        if "thread_size" in template and self.rng.random() < 0.5:
            size = stated["thread_size"] = self.rng.choice(self.properties["thread_size"].values).code
        return Generated(self._assemble(self._name(c), size, spelled), c.code, None, stated)

    def _lineage(self, c: ConceptClass) -> list[ConceptClass]:
        chain = [c]
        while chain[-1].parent in self.classes and len(chain) < 10:
            chain.append(self.classes[chain[-1].parent])
        return chain


def generate(bundle: SchemeBundle, seed: int, items: list[Item], per_class: int) -> list[Generated]:
    generator = CatalogGenerator(bundle, seed)
    records = [generator.from_item(i) for i in items]
    records += [generator.from_class(c) for c in generator.classes.values() for _ in range(per_class)]
    return records
