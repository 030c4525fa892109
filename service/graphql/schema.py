"""The GraphQL schema, assembled from one module per area. `schema.graphql` in the repository is
its printed form; tests/test_graphql_schema.py fails when the two differ."""

from __future__ import annotations

from pathlib import Path

import graphene

from service.graphql.admin import AdminMutation, AdminQuery
from service.graphql.curation import CurationMutation
from service.graphql.health import HealthQuery
from service.graphql.jobs import JobsMutation, JobsQuery
from service.graphql.matching import ExampleMutation, ExampleQuery, FeedbackMutation, MatchQuery
from service.graphql.ontology_queries import ChangeRequestMutation, OntologyQuery
from service.graphql.registry import RegistryMutation, RegistryQuery


class Query(
    HealthQuery, OntologyQuery, MatchQuery, ExampleQuery, JobsQuery, RegistryQuery, AdminQuery, graphene.ObjectType
):
    pass


class Mutation(
    CurationMutation,
    ChangeRequestMutation,
    FeedbackMutation,
    ExampleMutation,
    JobsMutation,
    RegistryMutation,
    AdminMutation,
    graphene.ObjectType,
):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation)

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def printed_schema() -> str:
    return str(schema) + "\n"


if __name__ == "__main__":
    SCHEMA_FILE.write_text(printed_schema(), encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
