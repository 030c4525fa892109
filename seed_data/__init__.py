"""Seed data: the CPMS hardware standard and the public schemes it maps to, as `SchemeBundle`s
built from the files in `sources/` and `cpms/` (origins and licences in NOTICE.md)."""

from .catalog import load_all
from .cpms_standard import load_cpms
from .gpc import load_gpc
from .hs import load_hs
from .unspsc import load_unspsc

__all__ = ["load_all", "load_cpms", "load_gpc", "load_hs", "load_unspsc"]
