"""/api/v1/plans: annual duty plans (年度任务清单), with their items and their state.

As on the pages: staff read every plan; a unit user reads its own published
plans, with the items in force (switched-off items are staff business).
"""
from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _
from flask_login import current_user
from peewee import fn

from ..auth.access import require_unit_access
from ..define.models import FREQUENCIES, PLAN_STATUSES, Plan, PlanItem
from ..perform.models import Record, RecordItem
from ..web.errors import NotFound
from .base import PAGINATION_HEADERS, Blueprint, Id, PageArgs, Schema, UtcDateTime, page_of, paginate

blp = Blueprint("api_plans", __name__, tag="plans", url_prefix="/api/v1/plans",
                description="年度任务清单 / Annual duty plans")


class PlanSchema(Schema):
    id = ma.fields.Integer(required=True)
    unit_id = ma.fields.Integer(required=True)
    year = ma.fields.Integer(required=True)
    pack_version_id = ma.fields.Integer(required=True)
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(tuple(PLAN_STATUSES)))
    revision = ma.fields.Integer(required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)
    published_at = UtcDateTime(required=True, allow_none=True)


class PlanItemSchema(Schema):
    id = ma.fields.Integer(required=True, metadata={"description": "The plan item's id (records name it)"})
    item_id = ma.fields.String(required=True, metadata={"description": "The pack item it was made from"})
    list_id = ma.fields.String(required=True)
    category_id = ma.fields.String(required=True)
    text = ma.fields.String(required=True)
    frequency = ma.fields.String(required=True, validate=ma.validate.OneOf(tuple(FREQUENCIES)))
    min_count = ma.fields.Integer(required=True)
    due = ma.fields.Dict(required=True, allow_none=True)
    due_date = ma.fields.Date(required=True, allow_none=True)
    form = ma.fields.String(required=True, metadata={"description": "Id of the form its records are made with"})
    weight = ma.fields.Float(required=True)
    supervisor = ma.fields.String(required=True)
    custom = ma.fields.Boolean(required=True)
    enabled = ma.fields.Boolean(required=True)
    disabled_reason = ma.fields.String(required=True)
    record_count = ma.fields.Integer(required=True, metadata={
        "description": "Records that count for this item (not deleted; whether they meet its rule: /api/v1/units/{id}/status)"})


class PlanDetailSchema(PlanSchema):
    items = ma.fields.List(ma.fields.Nested(PlanItemSchema), required=True)


class PlanFilters(PageArgs):
    year = ma.fields.Integer(validate=ma.validate.Range(min=2000, max=2100))
    unit = Id(metadata={"description": "Unit id"})


def _visible_plans():
    query = Plan.select().order_by(Plan.year.desc(), Plan.unit, Plan.id)
    if not current_user.is_staff:
        query = query.where((Plan.unit == current_user.unit_id) & (Plan.status == "published"))
    return query


@blp.route("")
@blp.etag
@blp.arguments(PlanFilters, location="query")
@blp.response(200, page_of(PlanSchema), headers=PAGINATION_HEADERS)
def list_plans(args):
    """Plans by year (newest first) and unit."""
    query = _visible_plans()
    if "unit" in args:
        require_unit_access(args["unit"])
        query = query.where(Plan.unit == args["unit"])
    if "year" in args:
        query = query.where(Plan.year == args["year"])
    return paginate(query, args)


@blp.route("/<int:plan_id>")
@blp.etag
@blp.response(200, PlanDetailSchema)
def get_plan(plan_id: int):
    """A plan with its items in display order, each with its record count."""
    plan = Plan.get_or_none(Plan.id == plan_id)
    if plan is None:
        raise NotFound(_("清单不存在"))
    require_unit_access(plan.unit_id)
    if not current_user.is_staff and not plan.is_published:
        raise NotFound(_("清单不存在"))
    items = plan.ordered_items()
    if not current_user.is_staff:
        items = [item for item in items if item.enabled]
    counts = dict(RecordItem.select(RecordItem.plan_item, fn.COUNT(RecordItem.id)).join(Record)
                  .where(RecordItem.plan_item.in_([item.id for item in items]) & Record.deleted_at.is_null())
                  .group_by(RecordItem.plan_item).tuples())
    for item in items:
        item.record_count = counts.get(item.id, 0)
    return {**{name: getattr(plan, name) for name in PlanSchema._declared_fields}, "items": items}
