"""What every resolver can reach: the store, the matcher, the caller, and this request's loaders."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Concatenate, ParamSpec, TypeVar, TypeVarTuple

from graphql import GraphQLResolveInfo

from common.settings import GraphQLLimits
from ontology.store import Store
from service.auth import Principal
from service.cpu_pool import Share
from service.graphql.loaders import Loaders, RequestToken
from service.read_cache import MISSING, ReadCache

T = TypeVar("T")
P = ParamSpec("P")
Args = TypeVarTuple("Args")  # a cached read's arguments: positional, each part of the cache key


@dataclass
class RequestContext:
    store: Store
    principal: Principal
    app: Any  # the starlette app: its state holds the matcher, the read cache and the CPU pool
    limits: GraphQLLimits = field(default_factory=GraphQLLimits)
    deadline: float | None = None  # time.monotonic() by which the request must be answered
    loaders: Loaders = field(init=False)
    user_errors: list[dict[str, Any]] = field(default_factory=list)
    # one task of this request in the CPU pool at a time: a request of many aliased matches queues
    # them one after another, behind other requests' work, instead of all at once ahead of it
    _cpu_turn: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)
    _cpu_share: Share = field(default_factory=Share, init=False)  # what it has had: its next turn's place
    _token: RequestToken = field(init=False)

    def __post_init__(self) -> None:
        self._fresh_reads()

    def _fresh_reads(self) -> None:
        """The store's change token is read at the request's first read (and again after a write
        of its own): the request sees the store as it was then, whatever comes from the cache."""
        self._token = RequestToken(self.cache)
        self.loaders = Loaders(self.store, self.cache, self._token)

    @property
    def cache(self) -> ReadCache:
        return self.app.state.read_cache

    async def call(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a blocking store call in a worker thread, keeping the event loop free."""
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def compute(self, fn: Callable[[*Args], T], *args: *Args) -> T:
        """Run CPU-bound work (matching) in the CPU pool, stopped at the request's deadline."""
        async with self._cpu_turn:
            result: T = await self.app.state.cpu.run(fn, *args, deadline=self.deadline, share=self._cpu_share)
        return result

    async def read(self, fn: Callable[[Store, *Args], T], *args: *Args) -> T:
        """`fn(store, *args)`, a read of the store, answered from the read cache when it can be."""
        token = await self._token.get()
        key = (fn, args)
        value = self.cache.get(token, key)
        if value is MISSING:
            value = await asyncio.to_thread(fn, self.store, *args)
            self.cache.put(token, key, value)
        return value

    async def write(self, fn: Callable[Concatenate[Store, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`fn(store, *args)`, a change to the store. What this request reads after it is read
        afresh: under the new change token, through new loaders."""
        try:
            return await asyncio.to_thread(fn, self.store, *args, **kwargs)
        finally:
            self._fresh_reads()


def ctx(info: GraphQLResolveInfo) -> RequestContext:
    return info.context
