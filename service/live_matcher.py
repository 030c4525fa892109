"""The service's matcher: built from the live store in the background, and kept in step with it.

Matching never waits for a rebuild: the new snapshot is swapped in (Matcher.reload) only when it is
complete. Until the first build finishes, matching answers UNAVAILABLE with a retry hint.

Every server process has its own matcher, and any of them (or `cpms import` next door) may change
the store. So each one looks at the store's change marks every `poll_seconds`: when the ontology
changed, it rebuilds; when only examples were added, it adds them one by one, as a confirmation
made through this process is added at once. Only accepted examples teach it (see
ontology/examples.py); a key's pending ones count for that key's matches only (`TaughtByKey`).
"""

from __future__ import annotations

import logging
import threading
import time

from common.errors import CpmsError, DeprecatedConcept, Unavailable, UnknownConcept
from common.heap import long_lived_build, serving_process
from matchers import Matcher, Record, Snapshot
from matchers.deadline import Stopped, check, time_limit
from matchers.normalize import normalize
from matchers.record import example_text
from ontology.changes import Marks, change_marks
from ontology.examples import KeyExample, examples_since, pending_examples, stored_examples
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
        self._taught = TaughtByKey()  # pending examples: each counts for its own key's matches
        self._latest: float | None = None  # when the newest of them was stored
        self._lock = threading.Lock()  # around changes to the matcher and to `_known`
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._built = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cpms-matcher", daemon=True)

    def start(self) -> None:
        self._wake.set()
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """A build under way stops between two of its indexes (it holds nothing that must be
        written out); one that does not within `timeout` is left to the process's exit."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

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
        """Teach the matcher an accepted example this process has just stored as `example_id`."""
        with self._lock:
            self._known.add(example_id)
            self.get().confirm(record, scheme, code)

    def teach_key(self, example: KeyExample) -> None:
        """A pending example this process has just stored: it counts for its key's matches now."""
        self._taught.add(example)

    def forget_key_example(self, example_id: str) -> None:
        """A pending example was decided: it no longer counts for its key alone."""
        self._taught.remove(example_id)

    def taught(self, key_id: str | None, scheme: str, record: Record) -> frozenset[str]:
        """The codes `key_id` alone has confirmed for this record in `scheme`."""
        return self._taught.codes(key_id, scheme, record)

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
        try:
            with time_limit(None, self._stop):
                self._build_matcher()
        except Stopped:
            return

    def _build_matcher(self) -> None:
        marks = change_marks(self.store)  # read first: a write during the build is seen at the next look
        bundles = [export_bundle(self.store, s["code"]) for s in list_schemes(self.store)]
        examples = stored_examples(self.store)
        self._taught.replace(pending_examples(self.store))
        snapshot = Snapshot.from_bundles(bundles, examples.texts)
        check()
        with long_lived_build():
            if self._matcher is None:
                matcher = Matcher(snapshot)
                matcher.calibrate_all()  # before anyone matches: a request would otherwise wait for it
                self._matcher = matcher
            else:
                self._matcher.reload(snapshot)  # keeps what was confirmed here meanwhile and is not in the snapshot
                self._matcher.calibrate_all()
        serving_process()
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
        self._taught.replace(pending_examples(self.store))  # proposed, accepted or rejected elsewhere
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


class TaughtByKey:
    """Pending examples by key, scheme and record: a key's confirmation of a record counts for that
    key's later matches of the same record (its normalized example text), before any editor has
    accepted it for everyone. The set is read from the store whenever it changed; one added here
    is kept besides for `SKEW_SECONDS`, in case that read began before its write was committed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._codes: dict[tuple[str, str, str], dict[str, str]] = {}  # (key, scheme, text) -> example id -> code
        self._added: dict[str, tuple[KeyExample, float]] = {}  # here, by id, with when

    def replace(self, examples: list[KeyExample]) -> None:
        with self._lock:
            now, stored = time.monotonic(), {e.id for e in examples}
            self._added = {i: (e, at) for i, (e, at) in self._added.items() if now - at < SKEW_SECONDS}
            codes: dict[tuple[str, str, str], dict[str, str]] = {}
            for e in [*examples, *(e for i, (e, _) in self._added.items() if i not in stored)]:
                codes.setdefault((e.owner_key, e.scheme, normalize(e.text)), {})[e.id] = e.code
            self._codes = codes

    def add(self, example: KeyExample) -> None:
        with self._lock:
            self._added[example.id] = (example, time.monotonic())
            key = (example.owner_key, example.scheme, normalize(example.text))
            self._codes.setdefault(key, {})[example.id] = example.code

    def remove(self, example_id: str) -> None:
        with self._lock:
            self._added.pop(example_id, None)
            for codes in self._codes.values():
                codes.pop(example_id, None)

    def codes(self, key_id: str | None, scheme: str, record: Record) -> frozenset[str]:
        if key_id is None or not self._codes:
            return frozenset()
        found = self._codes.get((key_id, scheme, normalize(example_text(record))))
        return frozenset(found.values()) if found else frozenset()
