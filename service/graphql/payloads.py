"""Mutation results: `ok`, the changed object, and `userErrors` naming the field at fault.

A failed mutation returns its payload with `userErrors` and also reports the error at the top
level with `extensions.code`, so clients that only look at `errors` see it too.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

import graphene
from graphql import GraphQLResolveInfo

from common.errors import CpmsError
from service.graphql.context import ctx


class UserError(graphene.ObjectType):
    field = graphene.String(description="the input field at fault, when one is")
    message = graphene.String(required=True)
    code = graphene.String(required=True, description="INVALID_INPUT, VERSION_CONFLICT, NOT_FOUND, FORBIDDEN ...")


class MutationPayload(graphene.ObjectType):
    """What every mutation returns besides its object: subclass it and add that object's field."""

    class Meta:
        abstract = True

    ok = graphene.Boolean(required=True)
    user_errors = graphene.List(graphene.NonNull(UserError), required=True)


def mutation(payload: type[graphene.ObjectType]) -> Callable:
    def wrap(resolver: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        @functools.wraps(resolver)
        async def run(root: object, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
            try:
                return await resolver(root, info, **kwargs)
            except CpmsError as exc:
                field = exc.details.get("field")
                ctx(info).user_errors.append({"error": exc, "path": [info.field_name]})
                return payload(ok=False, user_errors=[UserError(field=field, message=exc.message, code=exc.code)])

        return run

    return wrap
