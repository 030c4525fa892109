"""Types shared by the matching stages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

NAMING_KEYS = frozenset(("drive_type", "head_type"))
"""Keys of words that belong to a product's name (外六角螺栓, 沉头螺钉)."""
TEXT = "text"
"""`Found.source` of values found in the free text; values from a column have `column:<name>`."""


class Found(NamedTuple):
    """One attribute value found in a record (a named tuple: records make many, and it is the
    cheapest immutable value to build).

    `value` is canonical: a code (`stainless_304`, `zinc_plated`), a designation (`M8`, `GB/T 5783`,
    `1/2"`) or, for quantities, the number as text. Values with a magnitude also carry `number` in
    `unit`: quantities in their base unit (lengths always in mm), a thread size its nominal diameter
    in mm, a pipe size its inches, a DN its number. `span` indexes the normalized text of `source`
    (`Extraction.text` for free text, the normalized column value for a column) and `text` is that
    substring.
    `ambiguous` marks a reading the extractor could not settle, such as 4寸 with no word saying
    whether it is a pipe or a hinge.
    """

    key: str
    value: str
    span: tuple[int, int]
    text: str
    source: str = TEXT
    number: float | None = None
    unit: str | None = None
    ambiguous: bool = False


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything found in one record. `text` is the normalized free text; `value_spans` are where
    in it the values read stand, words that name the product (`NAMING_KEYS`) left out, and values
    that other spellings or columns made redundant kept."""

    text: str
    found: tuple[Found, ...]
    value_spans: tuple[tuple[int, int], ...] = ()

    def get(self, key: str) -> Found | None:
        """The first value found for `key` (column values come first)."""
        return next((f for f in self.found if f.key == key), None)

    def values(self, key: str) -> list[str]:
        return [f.value for f in self.found if f.key == key]
