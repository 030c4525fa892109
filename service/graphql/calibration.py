"""How far a scheme's decisions can be trusted: its calibration per kind, from the live matcher."""

from __future__ import annotations

import graphene
from graphql import GraphQLResolveInfo

from matchers.calibration import Calibration
from service.graphql.context import ctx


class SchemeCalibration(graphene.ObjectType):
    """The decision thresholds of a scheme's classes or items, read off its confirmed examples
    (each matched by the matcher without it), and what they gave there."""

    kind = graphene.String(required=True, description="class or item")
    examples = graphene.Int(required=True, description="examples the estimate was made from")
    source = graphene.String(required=True, description="examples (cross-fitted) or labelled (held-out records)")
    target_precision = graphene.Float(required=True, description="the share of auto decisions that must be right")
    calibrated = graphene.Boolean(
        required=True, description="false: too few examples, or the target is out of reach; nothing is auto"
    )
    auto_threshold = graphene.Float(description="the best score auto needs (none: never auto)")
    margin = graphene.Float(required=True, description="and its lead over the runner-up")
    review_threshold = graphene.Float(required=True, description="the best score review needs; below it, none")
    auto_share = graphene.Float(required=True, description="of the examples, decided auto")
    auto_precision = graphene.Float(description="of those, right (estimated)")
    auto_precision_lower = graphene.Float(description="its lower bound (Wilson, 95%)")
    review_share = graphene.Float(required=True)
    review_precision = graphene.Float()

    resolve_target_precision = staticmethod(lambda c, _: c.target)
    resolve_auto_threshold = staticmethod(lambda c, _: c.thresholds.auto)
    resolve_margin = staticmethod(lambda c, _: c.thresholds.margin)
    resolve_review_threshold = staticmethod(lambda c, _: c.thresholds.review)


async def scheme_calibrations(info: GraphQLResolveInfo, scheme: str) -> list[Calibration]:
    """Worked out in a worker thread: the first time, it matches up to a thousand examples."""
    matcher = ctx(info).app.state.matcher.get()
    view = matcher.snapshot.schemes.get(scheme)
    kinds = [k for k in ("class", "item") if view is not None and view.concepts(k)]
    return await ctx(info).call(lambda: [matcher.calibration(scheme, k) for k in kinds])
