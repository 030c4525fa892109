"""GraphQL for admins: the API keys (`apiKeys`, `createApiKey`, `revokeApiKey`), as `cpms keys`
does on the server. Only the `admin` permission reaches them."""

from __future__ import annotations

import graphene
from graphql import GraphQLResolveInfo

from ontology.apikeys import ROLES, ApiKey, create_key, list_keys, revoke_key
from service.graphql.context import ctx
from service.graphql.payloads import MutationPayload, mutation


class ApiKeyType(graphene.ObjectType):
    class Meta:
        name = "ApiKey"

    id = graphene.ID(required=True)
    name = graphene.String(required=True, description="whose key it is")
    role = graphene.String(required=True, description=", ".join(ROLES))
    created_at = graphene.String(required=True)
    revoked = graphene.Boolean(required=True)
    firm = graphene.String(description="the registry firm whose products the key writes, if it is bound to one")

    @staticmethod
    def of(record: ApiKey) -> ApiKeyType:
        return ApiKeyType(**record.model_dump())


class AdminQuery(graphene.ObjectType):
    api_keys = graphene.List(
        graphene.NonNull(ApiKeyType), required=True, description="every API key, oldest first (admins only)"
    )

    @staticmethod
    async def resolve_api_keys(root: object, info: GraphQLResolveInfo) -> list[ApiKeyType]:
        ctx(info).principal.require("admin")
        return [ApiKeyType.of(k) for k in await ctx(info).call(list_keys, ctx(info).store)]


class CreateApiKeyPayload(MutationPayload):
    api_key = graphene.Field(ApiKeyType)
    key = graphene.String(description="the key itself: shown this once, stored only as a hash")


class RevokeApiKeyPayload(MutationPayload):
    api_key = graphene.Field(ApiKeyType)


class AdminMutation(graphene.ObjectType):
    create_api_key = graphene.Field(
        CreateApiKeyPayload,
        required=True,
        name=graphene.String(required=True, description="whose key it is, e.g. Yongkang Hardware Co."),
        role=graphene.String(required=True, description=", ".join(ROLES)),
        firm=graphene.String(description="bind a manufacturer's or integrator's key to a registry firm (its code)"),
        description="a new API key (admins only)",
    )
    revoke_api_key = graphene.Field(
        RevokeApiKeyPayload,
        required=True,
        id=graphene.ID(required=True),
        description="revoke an API key: it is refused from the next request on (admins only)",
    )

    @staticmethod
    @mutation(CreateApiKeyPayload)
    async def resolve_create_api_key(
        root: object, info: GraphQLResolveInfo, name: str, role: str, firm: str | None = None
    ) -> CreateApiKeyPayload:
        ctx(info).principal.require("admin")
        record, key = await ctx(info).write(create_key, name, role, firm)
        return CreateApiKeyPayload(ok=True, user_errors=[], api_key=ApiKeyType.of(record), key=key)

    @staticmethod
    @mutation(RevokeApiKeyPayload)
    async def resolve_revoke_api_key(root: object, info: GraphQLResolveInfo, id: str) -> RevokeApiKeyPayload:
        ctx(info).principal.require("admin")
        await ctx(info).write(revoke_key, id)
        record = next(k for k in await ctx(info).call(list_keys, ctx(info).store) if k.id == id)
        return RevokeApiKeyPayload(ok=True, user_errors=[], api_key=ApiKeyType.of(record))
