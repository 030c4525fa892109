"""The service's matcher: built from the live store in the background, and kept in step with it.

Matching never waits for a rebuild: the new snapshot is swapped in (Matcher.reload) only when it is
complete. Until the first build finishes, matching answers UNAVAILABLE with a retry hint.

Every server process has its own matcher, and any of them (or `cpms import` next door) may change
the store. So each one looks at the store's change marks every `poll_seconds`: when the ontology
changed, it rebuilds; when only examples were added, it adds them one by one, as a confirmation
made through this process is added at once.
"""

from __future__ import annotations

import gc
import logging
import threading

from common.errors import CpmsError, DeprecatedConcept, Unavailable, UnknownConcept
from common.heap import long_lived_build
from matchers import Matcher, Record, Snapshot
from ontology.changes import Marks, change_marks
from ontology.examples import examples_since, stored_examples
from ontology.exporting import export_bundle, list_schemes
from ontology.store import Store

log = logging.getLogger("cpms.matcher")

SKEW_SECONDS = 60.0
"""New examples are looked for from this long before the newest one seen: a transaction that
stamped its example earlier may commit later."""


class MatcherService:
    def __init__(self, store: Store, poll_seconds: float = 5.0, retry_seconds: float = 5.0) -> None:
        self.store = store
        self.poll_seconds = poll_seconds
        self.retry_seconds = retry_seconds
        self._matcher: Matcher | None = None
        self._marks = Marks(None, None)  # as they were when the matcher last caught up
        self._known: set[str] = set()  # ids of the examples the matcher has
        self._latest: float | None = None  # when the newest of them was stored
        self._lock = threading.Lock()  # around changes to the matcher and to `_known`
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

    def confirm(self, example_id: str, record: Record, scheme: str, code: str) -> None:
        """Teach the matcher an example this process has just stored as `example_id`."""
        with self._lock:
            self._known.add(example_id)
            self.get().confirm(record, scheme, code)

    def _run(self) -> None:
        while not self._stop.is_set():
            woken = self._wake.wait(None if self._matcher is None else self.poll_seconds)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                if woken or self._matcher is None:
                    self._build()
                else:
                    self._follow()
            except CpmsError as exc:
                log.warning("matcher update failed, retrying: %s", exc.message)
                self._stop.wait(self.retry_seconds)
                self._wake.set()

    def _build(self) -> None:
        marks = change_marks(self.store)  # read first: a write during the build is seen at the next look
        bundles = [export_bundle(self.store, s["code"]) for s in list_schemes(self.store)]
        examples = stored_examples(self.store)
        snapshot = Snapshot.from_bundles(bundles, examples.texts)
        with long_lived_build():
            if self._matcher is None:
                self._matcher = Matcher(snapshot)
            else:
                self._matcher.reload(snapshot)  # keeps what was confirmed here meanwhile and is not in the snapshot
        gc.set_threshold(*GC_THRESHOLDS)
        with self._lock:
            self._known |= examples.ids
            self._latest, self._marks = examples.latest, marks
        self._built.set()

    def _follow(self) -> None:
        marks = change_marks(self.store)
        if marks == self._marks:
            return
        if marks.ontology != self._marks.ontology:
            self._build()
            return
        since = (self._latest or 0.0) - SKEW_SECONDS
        added = [e for e in examples_since(self.store, since) if e.id not in self._known]
        with self._lock:
            for example in added:
                if example.id in self._known:  # confirmed here since the read
                    continue
                try:
                    self.get().confirm(example.text, example.scheme, example.code)
                except (UnknownConcept, DeprecatedConcept) as exc:  # its concept went away or was deprecated
                    log.warning("example %s is not used: %s", example.id, exc.message)
                self._known.add(example.id)
            self._latest = max([self._latest or 0.0, *(e.at for e in added)]) if added else self._latest
            self._marks = marks


GC_THRESHOLDS = (10_000, 10, 10)
"""Python's are (700, 10, 10): a collection of the youngest objects every 700 allocations, and of
all every hundred of those. A request allocates a few hundred, and some of them outlive it (the
read cache), so under load full collections, during which no request moves, ran several times a
second; with these, about once every few seconds (figures: docs/matching.md, "Design history")."""
