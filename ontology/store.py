"""The one gateway from the project to Neo4j: sessions, transactions and driver errors.

Every other module of `ontology/` passes transaction functions (literal, parameterized Cypher) to
`Store.read` / `Store.write`; the driver retries those on transient failures, so they must be
idempotent. Every write transaction also sets a new change token (`ontology/changes.py`), which
is what lets readers cache, and a write to the ontology a new ontology token, which is what tells
matchers to rebuild. Driver errors become `CpmsError`s here and nowhere else.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Concatenate, LiteralString, ParamSpec, TypeVar

from neo4j import READ_ACCESS, WRITE_ACCESS, ManagedTransaction, Session
from neo4j.exceptions import (
    AuthError,
    ConstraintError,
    DatabaseUnavailable,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from common.errors import InvalidInput, LimitExceeded, Unavailable
from ontology.changes import mark_changed
from ontology.connection import Connection

log = logging.getLogger("cpms.store")
_OUT_OF_TRANSACTION_MEMORY = "Neo.TransientError.General.MemoryPoolOutOfMemoryError"
T = TypeVar("T")
P = ParamSpec("P")


class Store:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._driver = connection.driver()
        self.round_trips = 0  # transactions run: what the API's batching keeps small

    def close(self) -> None:
        self._driver.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _session(self, access_mode: str = WRITE_ACCESS) -> Iterator[Session]:
        self.round_trips += 1
        try:
            with self._driver.session(database=self.connection.database, default_access_mode=access_mode) as session:
                yield session
        except (ServiceUnavailable, SessionExpired, DatabaseUnavailable, OSError) as exc:
            raise self._unavailable("is unavailable", exc) from exc
        except AuthError as exc:
            raise self._unavailable("rejected our credentials", exc) from exc
        except ConstraintError as exc:
            raise InvalidInput(f"the change breaks a uniqueness rule: {exc.message}") from exc
        except Neo4jError as exc:
            if exc.code and exc.code.startswith("Neo.ClientError.Security"):
                raise self._unavailable("refused access", exc) from exc
            if exc.code == _OUT_OF_TRANSACTION_MEMORY:
                raise LimitExceeded(
                    "这次修改所需内存超过数据库允许单个事务使用的上限，请分批提交 / the change needs more memory "
                    "than the store allows a transaction (CPMS_NEO4J_TRANSACTION_MEMORY on the local server): "
                    "send it in parts"
                ) from exc
            raise
        except DriverError as exc:
            raise self._unavailable("failed (driver error)", exc) from exc

    def _unavailable(self, what: str, exc: Exception) -> Unavailable:
        """The error callers see names no address (API callers may be anyone); the log has it."""
        log.warning("Neo4j at %s %s: %s", self.connection.uri, what, exc)
        return Unavailable(f"the ontology store (Neo4j) {what}; retry later")

    def _run(
        self, read: bool, work: Callable[Concatenate[ManagedTransaction, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        with self._session() as session:
            execute = session.execute_read if read else session.execute_write
            return execute(work, *args, **kwargs)

    def read(self, work: Callable[Concatenate[ManagedTransaction, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        return self._run(True, work, *args, **kwargs)

    def write(self, work: Callable[Concatenate[ManagedTransaction, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `work` and mark the store changed, in one transaction."""
        return self._run(False, _marking_changed, True, work, *args, **kwargs)

    def write_beside_ontology(
        self, work: Callable[Concatenate[ManagedTransaction, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """A write that leaves the ontology as it is (an API key, a confirmed example, a proposal):
        it sets a new change token but keeps the ontology token, so matchers are not rebuilt."""
        return self._run(False, _marking_changed, False, work, *args, **kwargs)

    def write_schema(
        self, work: Callable[Concatenate[ManagedTransaction, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Constraints and indexes: Neo4j allows no data write in their transaction, and they
        change no answer, so the change token stays."""
        return self._run(False, work, *args, **kwargs)

    def read_once(self, query: LiteralString, **parameters: Any) -> list[dict[str, Any]]:
        """One auto-commit read query, for the smallest reads asked most often: one round trip
        where a managed transaction takes two, and less work in the driver, but no retries."""
        with self._session(READ_ACCESS) as session:
            return session.run(query, parameters).data()

    def server_info(self) -> dict[str, str]:
        """Version and edition of the server we are connected to (as `dbms.components()` says)."""
        return self.read(_components)


def _marking_changed(
    tx: ManagedTransaction,
    ontology: bool,
    work: Callable[Concatenate[ManagedTransaction, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    result = work(tx, *args, **kwargs)
    mark_changed(tx, ontology)
    return result


def _components(tx: ManagedTransaction) -> dict[str, str]:
    record = tx.run(
        "CALL dbms.components() YIELD name, versions, edition "
        "WHERE name = 'Neo4j Kernel' RETURN versions[0] AS version, edition"
    ).single(strict=True)
    return {"version": record["version"], "edition": record["edition"]}
