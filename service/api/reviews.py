"""/api/v1/reviews: review sessions (评议会) and their results, for staff.

Read-only, and never a ballot: a session with its leaders in reporting order
and, once closed, each leader's composite, grade, rank and ballot counts (all
computed by the pack's rules when the session closed; none before). Setting a
session up, its moves and the ballots stay on the pages (docs/evaluate.md).
"""
from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _

from ..auth.access import role_required
from ..evaluate.models import ReviewLeader, ReviewSession
from ..evaluate.sessions import STATES
from ..web.errors import NotFound
from .base import PAGINATION_HEADERS, Blueprint, PageArgs, Schema, UtcDateTime, page_of, paginate

blp = Blueprint("api_reviews", __name__, tag="reviews", url_prefix="/api/v1/reviews",
                description="评议会 / Review sessions")


class ReviewSchema(Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    held_on = ma.fields.Date(required=True)
    place = ma.fields.String(required=True)
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(tuple(STATES)),
                              metadata={"description": "preparing 筹备, open 进行中, closed 已结束, published 已发布"})
    anonymous = ma.fields.Boolean(required=True)
    scale = ma.fields.String(required=True, metadata={"description": "The pack's grade scale the ballots use"})
    weights = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Float(), required=True,
                             metadata={"description": "Weight per evaluator group"})
    pack_version_id = ma.fields.Integer(required=True)
    created_at = UtcDateTime(required=True)
    opened_at = UtcDateTime(required=True, allow_none=True)
    closed_at = UtcDateTime(required=True, allow_none=True)
    published_at = UtcDateTime(required=True, allow_none=True)


class ReviewLeaderSchema(Schema):
    id = ma.fields.Integer(required=True)
    position = ma.fields.Integer(required=True, metadata={"description": "Reporting order, from 1"})
    unit_id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    post = ma.fields.String(required=True)
    score = ma.fields.Float(required=True, allow_none=True,
                            metadata={"description": "Composite; null before closing or when no ballot counted"})
    grade = ma.fields.String(required=True, allow_none=True)
    rank = ma.fields.Integer(required=True, allow_none=True, metadata={"description": "Equal composites share a rank"})
    follow_up = ma.fields.Boolean(required=True, metadata={"description": "Under the threshold: follow-ups drafted"})
    ballots = ma.fields.Integer(required=True, metadata={"description": "Complete ballots"})
    counted = ma.fields.Integer(required=True, metadata={"description": "Ballots whose grade carries points"})


class ReviewDetailSchema(ReviewSchema):
    leaders = ma.fields.List(ma.fields.Nested(ReviewLeaderSchema), required=True)


class ReviewFilters(PageArgs):
    status = ma.fields.String(validate=ma.validate.OneOf(tuple(STATES)))


def _fields(schema: type[Schema], obj) -> dict:
    return {name: getattr(obj, name) for name in schema._declared_fields if hasattr(obj, name)}


@blp.route("")
@role_required("admin", "inspector")
@blp.etag
@blp.arguments(ReviewFilters, location="query")
@blp.response(200, page_of(ReviewSchema), headers=PAGINATION_HEADERS)
def list_reviews(args):
    """Review sessions, newest meeting first (staff)."""
    query = ReviewSession.select().order_by(ReviewSession.held_on.desc(), ReviewSession.id.desc())
    if "status" in args:
        query = query.where(ReviewSession.status == args["status"])
    return paginate(query, args)


@blp.route("/<int:review_id>")
@role_required("admin", "inspector")
@blp.etag
@blp.response(200, ReviewDetailSchema)
def get_review(review_id: int):
    """A session with its leaders in reporting order and their results (staff)."""
    session = ReviewSession.get_or_none(ReviewSession.id == review_id)
    if session is None:
        raise NotFound(_("评议会不存在"))
    leaders = []
    for position, leader in enumerate(session.leaders.order_by(ReviewLeader.position, ReviewLeader.id), start=1):
        result = leader.result or {}
        leaders.append({**_fields(ReviewLeaderSchema, leader), "position": position,
                        "ballots": result.get("ballots", 0), "counted": result.get("counted", 0)})
    return {**_fields(ReviewSchema, session), "pack_version_id": session.pack_version_id, "leaders": leaders}
