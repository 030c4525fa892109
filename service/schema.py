"""The GraphQL schema: one root Query (and later Mutation) assembled from small modules."""

from __future__ import annotations

import graphene

from service.health import HealthQuery


class Query(HealthQuery, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query)
