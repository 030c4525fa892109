"""Health: the service version and the Neo4j server it is connected to."""

from __future__ import annotations

import graphene
from graphql import GraphQLResolveInfo

from ontology.store import Store
from service.graphql.context import ctx
from service.version import __version__


class Health(graphene.ObjectType):
    version = graphene.String(required=True, description="CPMS service version")
    neo4j_version = graphene.String(required=True, description="Version of the connected Neo4j server")
    neo4j_edition = graphene.String(required=True, description="Edition of the connected Neo4j server")
    neo4j_uri = graphene.String(description="Bolt URI the service uses (admins only; null for others)")
    matcher_ready = graphene.Boolean(required=True, description="whether matching is available yet")


def health_report(store: Store) -> dict[str, str]:
    """Raises `Unavailable` when Neo4j cannot be reached."""
    info = store.server_info()
    return {
        "version": __version__,
        "neo4j_version": info["version"],
        "neo4j_edition": info["edition"],
    }


class HealthQuery(graphene.ObjectType):
    health = graphene.Field(
        Health, required=True, description="Service and Neo4j versions; fails with UNAVAILABLE when Neo4j is down"
    )

    @staticmethod
    async def resolve_health(root: object, info: GraphQLResolveInfo) -> Health:
        report = await ctx(info).app.state.store_watch.report()
        uri = ctx(info).store.connection.uri if ctx(info).principal.can("admin") else None
        return Health(**report, neo4j_uri=uri, matcher_ready=ctx(info).app.state.matcher.wait_ready(0))
