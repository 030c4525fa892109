"""The GraphQL enums, each built from the Python enum or literal type the code already uses, so a
value outside it is refused when the request is validated, before any resolver runs. Their values
are spelled as clients have always sent and seen them (lower case, `exactMatch`)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, cast, get_args

import graphene

from bulk.types import Status as RowStatus
from matchers.decide import Decision as PyDecision
from matchers.snapshot import RECORD
from matchers.snapshot import Kind as PyKind
from ontology.change_requests import Kind as PyChangeKind
from ontology.change_requests import RequestStatus
from ontology.model import DataType as PyDataType
from ontology.model import SkosRelation as PySkosRelation
from ontology.model import Status
from service.jobs.store import JobState as PyJobState


def _literal(name: str, *literals: Any) -> type[StrEnum]:
    """A Python enum with the values of `literals` (Literal types or strings), each its own name."""
    values = [v for literal in literals for v in (get_args(literal) or (literal,))]
    return cast("type[StrEnum]", StrEnum(name, [(v, v) for v in values]))


Kind = graphene.Enum.from_enum(_literal("Kind", PyKind), description="what is matched or searched: classes or items")
CandidateKind = graphene.Enum.from_enum(
    _literal("CandidateKind", PyKind, RECORD), description="a class, a standard item, or a record matched to a record"
)
ConceptStatus = graphene.Enum.from_enum(Status, name="ConceptStatus", description="of a class, item or value")
DataType = graphene.Enum.from_enum(PyDataType, description="what a property's values are")
SkosRelation = graphene.Enum.from_enum(PySkosRelation, description="how a mapped concept relates (SKOS)")
Decision = graphene.Enum.from_enum(PyDecision, description="what to do with a match")
MatchStatus = graphene.Enum.from_enum(RowStatus, name="MatchStatus", description="of a row of a bulk job")
JobState = graphene.Enum.from_enum(PyJobState, description="of a bulk matching job")
ChangeRequestKind = graphene.Enum.from_enum(_literal("ChangeRequestKind", PyChangeKind), description="what it asks")
ChangeRequestStatus = graphene.Enum.from_enum(_literal("ChangeRequestStatus", RequestStatus))
