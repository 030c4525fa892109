"""Every seed scheme: the CPMS standard and the external schemes it maps to."""

from __future__ import annotations

from collections.abc import Callable

from ontology.model import SchemeBundle

from .cpms_standard import load_cpms
from .gpc import load_gpc
from .hs import load_hs
from .unspsc import load_unspsc

# Import order: the external schemes first, so that the CPMS standard's mappings find their targets.
LOADERS: list[tuple[str, Callable[[], SchemeBundle]]] = [
    ("UNSPSC", load_unspsc),
    ("GPC", load_gpc),
    ("HS", load_hs),
    ("CPMS", load_cpms),
]


def load_all() -> list[SchemeBundle]:
    return [load() for _, load in LOADERS]
