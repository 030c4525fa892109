"""The GraphQL schema, assembled from one module per area. `schema.graphql` in the repository is
its printed form; tests/test_graphql_schema.py fails when the two differ."""

from __future__ import annotations

from pathlib import Path

import graphene

from service.curation_api import CurationMutation
from service.graphql_jobs import JobsMutation, JobsQuery
from service.health import HealthQuery
from service.matching import FeedbackMutation, MatchQuery
from service.ontology_api import ChangeRequestMutation, OntologyQuery


class Query(HealthQuery, OntologyQuery, MatchQuery, JobsQuery, graphene.ObjectType):
    pass


class Mutation(CurationMutation, ChangeRequestMutation, FeedbackMutation, JobsMutation, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation)

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"


def printed_schema() -> str:
    return str(schema) + "\n"


if __name__ == "__main__":
    SCHEMA_FILE.write_text(printed_schema(), encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
