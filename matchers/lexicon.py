"""The wording data kept beside the domain vocabulary (`matchers/data/*.toml`): words of catalog
lines that say little about the product (trade, feature and packaging words, placeholders),
modifier markers of names, and negations and opposites. Loaded once; the stages that use them
are `matchers.wording`, `matchers.heads` and `matchers.opposites`."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def load(name: str) -> dict[str, Any]:
    """The data file `matchers/data/<name>.toml`."""
    return tomllib.loads(files("matchers").joinpath("data", f"{name}.toml").read_text(encoding="utf-8"))


def wording() -> dict[str, Any]:
    return load("wording")


def opposites() -> dict[str, Any]:
    return load("opposites")
