"""The one gateway from the project to Neo4j: sessions, transactions and driver errors.

Every other module of `ontology/` passes transaction functions (literal, parameterized Cypher) to
`Store.read` / `Store.write`; the driver retries those on transient failures, so they must be
idempotent. Driver errors become `CpmsError`s here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from neo4j import ManagedTransaction
from neo4j.exceptions import AuthError, ConstraintError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

from ontology.connection import Connection
from ontology.errors import InvalidInput, Unavailable

T = TypeVar("T")
Work = Callable[..., T]


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

    def _run(self, mode: str, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        self.round_trips += 1
        try:
            with self._driver.session(database=self.connection.database) as session:
                execute = session.execute_read if mode == "read" else session.execute_write
                return execute(work, *args, **kwargs)
        except (ServiceUnavailable, SessionExpired, OSError) as exc:
            raise Unavailable(f"Neo4j at {self.connection.uri} is unavailable: {exc}") from exc
        except AuthError as exc:
            raise Unavailable(f"Neo4j at {self.connection.uri} rejected our credentials: {exc.message}") from exc
        except ConstraintError as exc:
            raise InvalidInput(f"the change breaks a uniqueness rule: {exc.message}") from exc
        except Neo4jError as exc:
            if exc.code and exc.code.startswith("Neo.ClientError.Security"):
                raise Unavailable(f"Neo4j refused access: {exc.message}") from exc
            raise
        except DriverError as exc:
            raise Unavailable(f"Neo4j driver error: {exc}") from exc

    def read(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return self._run("read", work, *args, **kwargs)

    def write(self, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return self._run("write", work, *args, **kwargs)

    def server_info(self) -> dict[str, str]:
        """Version and edition of the server we are connected to (as `dbms.components()` says)."""
        return self.read(_components)


def _components(tx: ManagedTransaction) -> dict[str, str]:
    record = tx.run(
        "CALL dbms.components() YIELD name, versions, edition "
        "WHERE name = 'Neo4j Kernel' RETURN versions[0] AS version, edition"
    ).single(strict=True)
    return {"version": record["version"], "edition": record["edition"]}
