"""Text from callers must be Unicode that can be stored and sent back: a lone UTF-16 surrogate
(`"\\ud800"` in JSON) decodes in Python but fails in Neo4j's driver and in our own JSON answers.
It is refused at the edge, naming where it is."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from common.errors import InvalidInput


def _has_surrogate(text: str) -> bool:
    """Whether `text` holds a surrogate: an ASCII string is known not to at once, and encoding
    is faster than a regular expression (every body of every request is read here)."""
    if text.isascii():
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return True
    return False


def lone_surrogate_path(value: Any, path: str) -> str | None:
    """Where in `value` (strings, lists and objects, as JSON decodes them) the first string with a
    lone surrogate is, as `path.key.0`; None if there is none."""
    if isinstance(value, str):
        return path if _has_surrogate(value) else None
    items: Iterable[tuple[object, Any]]
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(key, str) and _has_surrogate(key):
            return f"{path}.{key.encode('utf-8', 'backslashreplace').decode()}"
        found = lone_surrogate_path(item, f"{path}.{key}")
        if found:
            return found
    return None


def check_text(value: Any, path: str) -> None:
    """Raise INVALID_INPUT naming `path` if any string in `value` holds a lone surrogate."""
    found = lone_surrogate_path(value, path)
    if found:
        raise InvalidInput(
            f"{found} holds a lone UTF-16 surrogate (such as \\ud800), which is not a character: send valid Unicode",
            field=found,
        )
