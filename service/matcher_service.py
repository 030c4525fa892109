"""The service's matcher: built from the live store in the background, rebuilt after curation.

Matching never waits for a rebuild: the new snapshot is swapped in (Matcher.reload) only when it is
complete. Until the first build finishes, matching answers UNAVAILABLE with a retry hint.
"""

from __future__ import annotations

import gc
import logging
import threading

from matchers import Matcher, Snapshot
from ontology.errors import CpmsError, Unavailable
from ontology.examples import all_examples
from ontology.exporting import export_bundle, list_schemes
from ontology.store import Store

log = logging.getLogger("cpms.matcher")


def snapshot_from_store(store: Store) -> Snapshot:
    bundles = [export_bundle(store, s["code"]) for s in list_schemes(store)]
    return Snapshot.from_bundles(bundles, all_examples(store))


class MatcherService:
    def __init__(self, store: Store, retry_seconds: float = 5.0) -> None:
        self.store = store
        self.retry_seconds = retry_seconds
        self._matcher: Matcher | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._built = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cpms-matcher", daemon=True)

    def start(self) -> None:
        self._wake.set()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=30)

    def get(self) -> Matcher:
        if self._matcher is None:
            raise Unavailable("the matcher is still being built from the ontology; retry in a few seconds")
        return self._matcher

    def wait_ready(self, timeout: float) -> bool:
        return self._built.wait(timeout)

    def refresh(self) -> None:
        """Rebuild soon (after the ontology changed); matching goes on with the current snapshot."""
        self._built.clear()
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                snapshot = snapshot_from_store(self.store)
            except CpmsError as exc:
                log.warning("matcher build failed, retrying: %s", exc.message)
                self._stop.wait(self.retry_seconds)
                self._wake.set()
                continue
            if self._matcher is None:
                self._matcher = Matcher(snapshot)
            else:
                self._matcher.reload(snapshot)
            _settle_heap()
            self._built.set()


def _settle_heap() -> None:
    """A matcher is about a million long-lived objects, and every full garbage collection walks them
    all: over a second during which no request moves. Collect once now (the replaced snapshot's
    cycles included), then freeze what is left out of later collections."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
