"""A small shop scheme with generated catalog lines as confirmed examples: each class has its own
nouns, and brands, colours and trade words are shared among all, as in real catalogs."""

from __future__ import annotations

import random

from matchers.record import Record
from ontology.model import ConceptClass, Labels, Scheme, SchemeBundle

NOUNS = {
    "10": ("Cordless Drill", ["drill", "impact driver", "hammer drill", "drill driver"]),
    "20": ("Computer Monitor", ["monitor", "display", "ips screen", "led monitor"]),
    "30": ("Charm Pendant", ["charm", "pendant", "necklace charm", "bead charm"]),
    "40": ("Hex Bolt", ["hex bolt", "bolt", "hex head bolt", "machine bolt"]),
    "50": ("Ball Valve", ["ball valve", "valve", "shut off valve", "brass valve"]),
    "60": ("Office Chair", ["office chair", "desk chair", "swivel chair", "task chair"]),
    "70": ("LED Bulb", ["led bulb", "light bulb", "lamp bulb", "globe bulb"]),
    "80": ("Garden Hose", ["garden hose", "hose", "water hose", "hose pipe"]),
}
BRANDS = ["Bosch", "Philips", "Acme", "Dell", "Makita", "Tiffany", "Ikea", "Gardena", "Generic"]
WORDS = ["black", "silver", "heavy duty", "pro", "new", "premium", "2-pack", "classic", "compact", "deluxe"]
SIZES = ["12v", "27 inch", "m8", "1/2 in", "25 m", "60w", "small", "large", "xl", ""]

SHOP = SchemeBundle(
    scheme=Scheme(code="SHOP", name=Labels(en="Shop"), version="test", source="tests", licence="test"),
    classes=[ConceptClass(code=code, level=1, labels=Labels(en=label)) for code, (label, _) in NOUNS.items()],
)


def catalog_lines(per_class: int, seed: int, vague: float = 0.2) -> list[tuple[str, str]]:
    """(line, class code) pairs, `per_class` of each class, the same for the same seed; a
    `vague` share of the lines name no product (a brand, a trade word and a size only), so that
    nothing can tell their class."""
    rng = random.Random(seed)
    lines = []
    for code, (_, nouns) in NOUNS.items():
        for _ in range(per_class):
            noun = "" if rng.random() < vague else rng.choice(nouns)
            line = f"{rng.choice(BRANDS)} {rng.choice(WORDS)} {noun} {rng.choice(SIZES)} {rng.choice(WORDS)}"
            lines.append((" ".join(line.split()), code))
    return lines


def shop_examples(per_class: int, seed: int = 1) -> dict[tuple[str, str], list[Record]]:
    examples: dict[tuple[str, str], list[Record]] = {}
    for line, code in catalog_lines(per_class, seed):
        examples.setdefault(("SHOP", code), []).append(line)
    return examples
