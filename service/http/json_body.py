"""JSON from callers, parsed with its nesting bounded: a body of 100,000 open brackets is a
caller's mistake to name, not a crash."""

from __future__ import annotations

import json
from typing import Any

from common.errors import LimitExceeded


def parse_json(data: str | bytes, what: str = "the request body") -> Any:
    """`json.loads`, with ValueError for what is not JSON and LimitExceeded for JSON nested deeper
    than Python's parser goes (about a thousand levels)."""
    try:
        return json.loads(data)
    except RecursionError:
        raise LimitExceeded(f"{what} is JSON nested too deeply (about 1,000 levels at most)") from None
