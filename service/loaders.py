"""DataLoaders, one set per request: resolvers ask for one key, the loader fetches a whole batch
with one round trip (see ontology/browse.py), so a page of classes with their templates costs a
few queries instead of one per class."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from graphene.utils.dataloader import DataLoader

from ontology import browse
from ontology.store import Store


def _loader(store: Store, batch: Callable[[Store, list[str]], list[Any]]) -> DataLoader:
    async def load(keys: list[str]) -> list[Any]:
        return await asyncio.to_thread(batch, store, list(keys))

    return DataLoader(load, max_batch_size=500)


class Loaders:
    def __init__(self, store: Store) -> None:
        self.classes = _loader(store, browse.classes_by_uid)
        self.children = _loader(store, browse.children_of)
        self.ancestors = _loader(store, browse.ancestors_of)
        self.templates = _loader(store, browse.templates_of)
        self.properties = _loader(store, browse.properties_by_uid)
        self.mappings = _loader(store, browse.mappings_of)
        self.items = _loader(store, browse.items_by_uid)
        self.class_of_item = _loader(store, browse.class_uids_of_items)
