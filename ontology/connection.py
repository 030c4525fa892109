"""Which Neo4j the project talks to, and the driver for it.

With `NEO4J_URI` set (and `NEO4J_USER`, `NEO4J_PASSWORD`) the project uses that server and starts
nothing: that is how production points at a managed Neo4j or a cluster. Otherwise it uses the local
server that `cpms db start` manages.
"""

from __future__ import annotations

from dataclasses import dataclass

from neo4j import Driver, GraphDatabase

from common.settings import Settings, load_settings
from ontology.server.settings import ServerSettings, resolve_password


@dataclass(frozen=True)
class Connection:
    uri: str
    user: str
    password: str | None
    database: str = "neo4j"
    external: bool = False

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Connection:
        """The server of `settings` (default: from the environment): `NEO4J_URI`, else the local one."""
        settings = settings or load_settings()
        neo4j = settings.neo4j
        if neo4j.uri:
            return cls(uri=neo4j.uri, user=neo4j.user, password=neo4j.password, database=neo4j.database, external=True)
        return cls.for_local(ServerSettings.from_settings(settings), neo4j.database)

    @classmethod
    def for_local(cls, settings: ServerSettings, database: str = "neo4j") -> Connection:
        return cls(uri=settings.uri, user="neo4j", password=resolve_password(settings), database=database)

    def driver(self) -> Driver:
        auth = (self.user, self.password) if self.password is not None else None
        return GraphDatabase.driver(
            self.uri,
            auth=auth,
            connection_timeout=5,
            connection_acquisition_timeout=10,
            max_transaction_retry_time=5,
            notifications_min_severity="OFF",
        )
