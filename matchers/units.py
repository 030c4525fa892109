"""How the matcher writes what it reads: the trade inch, and numbers as text. The units themselves
are `common.units`; the extractor reports each quantity in its base unit (lengths in mm)."""

from __future__ import annotations

TRADE_INCH_MM = 25.0
"""Chinese trade sizes of tools, hinges, casters and discs count 1寸 as 25 mm: an 8寸 adjustable
wrench is sold as 200 mm, a 4寸 hinge as 100 mm. Exact inches (25.4 mm) are `common.units` INH."""


def format_number(value: float) -> str:
    """A number as people write it: 30.0 -> '30', 1.25 -> '1.25', 2016.0 -> '2016'."""
    return str(int(value)) if value == int(value) else repr(float(value))
