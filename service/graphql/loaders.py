"""DataLoaders, one set per request: resolvers ask for one key, the loader fetches a whole batch
with one round trip (see ontology/browse.py), so a page of classes with their templates costs a
few queries instead of one per class. What the store answered is kept in the service's ReadCache
until the store changes, so most keys cost no query at all."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import cached_property
from typing import Any

from graphene.utils.dataloader import DataLoader

from ontology import browse
from ontology.store import Store
from service.read_cache import MISSING, ReadCache

Batch = Callable[[Store, list[str]], list[Any]]


class RequestToken:
    """The store's change token as one request knows it: read once, at the request's first read."""

    def __init__(self, cache: ReadCache) -> None:
        self._cache = cache
        self._token: asyncio.Future[str | None] | None = None

    async def get(self) -> str | None:
        if self._token is None:
            self._token = asyncio.ensure_future(self._cache.token())
        return await self._token

    def known(self) -> Any:
        """The token if it has been read, else MISSING."""
        token = self._token
        if token is None or not token.done() or token.cancelled() or token.exception() is not None:
            return MISSING
        return token.result()


class CachedLoader:
    def __init__(self, store: Store, cache: ReadCache, token: RequestToken, batch: Batch) -> None:
        self._store, self._cache, self._token, self._batch = store, cache, token, batch
        self._loader = DataLoader(self._load_batch, max_batch_size=500)

    def load_now(self, key: str) -> Any:
        """The value itself when the cache holds it, else an awaitable of it. A resolver returning
        this lets graphql-core complete the field at once instead of scheduling a task for it."""
        value = self._cache.get(self._token.known(), (self._batch, key))
        return self._loader.load(key) if value is MISSING else value

    async def load(self, key: str) -> Any:
        value = self.load_now(key)
        return await value if isinstance(value, Awaitable) else value

    async def load_many(self, keys: list[str]) -> list[Any]:
        return list(await asyncio.gather(*(self.load(key) for key in keys)))

    async def _load_batch(self, keys: list[str]) -> list[Any]:
        token = await self._token.get()
        found = {key: self._cache.get(token, (self._batch, key)) for key in keys}
        missing = [key for key, value in found.items() if value is MISSING]
        if missing:
            for key, value in zip(missing, await asyncio.to_thread(self._batch, self._store, missing), strict=True):
                self._cache.put(token, (self._batch, key), value)
                found[key] = value
        return [found[key] for key in keys]


class Loaders:
    """Each loader is made on first use: most requests need two or three of them."""

    def __init__(self, store: Store, cache: ReadCache, token: RequestToken) -> None:
        self._make: Callable[[Batch], CachedLoader] = lambda batch: CachedLoader(store, cache, token, batch)

    @cached_property
    def classes(self) -> CachedLoader:
        return self._make(browse.classes_by_uid)

    @cached_property
    def children(self) -> CachedLoader:
        return self._make(browse.children_of)

    @cached_property
    def ancestors(self) -> CachedLoader:
        return self._make(browse.ancestors_of)

    @cached_property
    def templates(self) -> CachedLoader:
        return self._make(browse.templates_of)

    @cached_property
    def properties(self) -> CachedLoader:
        return self._make(browse.properties_by_uid)

    @cached_property
    def mappings(self) -> CachedLoader:
        return self._make(browse.mappings_of)

    @cached_property
    def items(self) -> CachedLoader:
        return self._make(browse.items_by_uid)
