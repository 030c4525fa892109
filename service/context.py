"""What every resolver can reach: the store, the matcher, the caller, and this request's loaders."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ontology.store import Store
from service.auth import Principal
from service.loaders import Loaders

T = TypeVar("T")


@dataclass
class RequestContext:
    store: Store
    principal: Principal
    app: Any  # the starlette app: its state holds the matcher
    loaders: Loaders = field(init=False)
    user_errors: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.store)

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking store call in a worker thread, keeping the event loop free."""
        return await asyncio.to_thread(fn, *args, **kwargs)


def ctx(info) -> RequestContext:
    return info.context
