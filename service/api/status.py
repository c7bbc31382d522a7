"""/api/v1/units/{unit_id}/status: where a unit stands on each duty of its plan.

The same objects as ``dutyloop status --json`` and 督责's check runs: one per
plan item of the unit's published plan of the period's year, computed by
``perform.status`` from the plan, the records and the pack's rules (nothing
stored). Staff see every item; a unit user sees its own unit's items in force
(switched-off items are staff business, as in /api/v1/plans).
"""
from __future__ import annotations

import datetime as dt
import functools

import marshmallow as ma
from flask_babel import gettext as _
from flask_login import current_user

from ..perform import calendar
from ..perform import status as engine
from .base import PAGINATION_HEADERS, Blueprint, PageArgs, Schema, invalid, page_of, paginate
from .units import visible_unit

blp = Blueprint("api_status", __name__, tag="status", url_prefix="/api/v1/units",
                description="履责状态 / Duty status")

PERIOD_PATTERN = r"^(20\d\d|2100)(-(0[1-9]|1[0-2])|Q[1-4]|H[12])?$"


class IsoDate(ma.fields.Date):
    """A date the engine already wrote as ISO 8601 text."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value if value is None or isinstance(value, str) else super()._serialize(value, attr, obj, **kwargs)


class CountedRecordSchema(Schema):
    id = ma.fields.Integer(required=True)
    form_id = ma.fields.String(required=True)
    date = IsoDate(required=True, allow_none=True)


class ItemStatusSchema(Schema):
    item_id = ma.fields.String(required=True, metadata={"description": "The pack item's id (custom-N for a custom item)"})
    plan_item_id = ma.fields.Integer(required=True)
    unit_id = ma.fields.Integer(required=True)
    list_id = ma.fields.String(required=True)
    category_id = ma.fields.String(required=True)
    text = ma.fields.String(required=True)
    custom = ma.fields.Boolean(required=True)
    period = ma.fields.String(required=True, metadata={"description": "The period asked for"})
    window = ma.fields.String(required=True, metadata={
        "description": "The period the item is counted over: the asked one, or the item's own longer period containing it"})
    window_start = IsoDate(required=True)
    window_end = IsoDate(required=True)
    as_of = IsoDate(required=True)
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(tuple(engine.STATUSES)), metadata={
        "description": "done 完成, partial 部分完成, missing 未完成, not_due 未到期, not_applicable 不适用"})
    colour = ma.fields.String(required=True, allow_none=True, validate=ma.validate.OneOf(tuple(engine.COLOURS)),
                              metadata={"description": "green done, blue due soon, yellow due now, red overdue; "
                                                       "null: nothing to signal"})
    count = ma.fields.Integer(required=True, metadata={"description": "Qualifying records in the window"})
    target = ma.fields.Integer(required=True)
    due = IsoDate(required=True, allow_none=True)
    days_left = ma.fields.Integer(required=True, allow_none=True, metadata={"description": "Negative: days overdue"})
    records = ma.fields.List(ma.fields.Nested(CountedRecordSchema), required=True,
                             metadata={"description": "The records that counted"})
    explanation = ma.fields.String(required=True, metadata={"description": "The engine's explanation (Chinese)"})


class StatusArgs(PageArgs):
    period = ma.fields.String(validate=ma.validate.Regexp(PERIOD_PATTERN), metadata={
        "description": "2022-05 (month), 2022Q2 (quarter), 2022H1 (half-year) or 2022 (year); "
                       "default: the quarter of `as_of`"})
    as_of = ma.fields.Date(metadata={"description": "The day the status is for (default today)"})


def _unit_first(view):
    """Refuse another unit's caller before reading the arguments (no 422 tells them anything)."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        visible_unit(kwargs["unit_id"])
        return view(*args, **kwargs)
    return wrapped


@blp.route("/<int:unit_id>/status")
@blp.etag
@_unit_first
@blp.arguments(StatusArgs, location="query")
@blp.response(200, page_of(ItemStatusSchema), headers=PAGINATION_HEADERS)
def unit_status(args, unit_id: int):
    """Each item of the unit's published plan for `period`, as of `as_of`, in plan order."""
    unit = visible_unit(unit_id)
    as_of = args.get("as_of") or dt.date.today()
    period = args.get("period") or f"{as_of.year}Q{(as_of.month - 1) // 3 + 1}"
    if not 2000 <= as_of.year <= 2100 and "period" not in args:
        raise invalid([{"pointer": "/as_of", "in": "query", "message": _("须在 %(min)s 到 %(max)s 之间。",
                                                                         min="2000-01-01", max="2100-12-31")}])
    found = engine.unit_status(unit.id, period, as_of, include_disabled=current_user.is_staff)
    return paginate([s.as_dict() for s in found], args)


class CalendarArgs(PageArgs):
    month = ma.fields.String(validate=ma.validate.Regexp(r"^(20\d\d|2100)-(0[1-9]|1[0-2])$"), metadata={
        "description": "The month, e.g. 2022-06 (default: this month)"})


@blp.route("/<int:unit_id>/calendar")
@blp.etag
@_unit_first
@blp.arguments(CalendarArgs, location="query")
@blp.response(200, page_of(ItemStatusSchema), headers=PAGINATION_HEADERS)
def unit_calendar(args, unit_id: int):
    """履职月历: the unit's items in force falling due in `month`, by due date, with their status
    as of today (the same objects as `/status`; the page is `/perform/calendar`)."""
    unit = visible_unit(unit_id)
    today = dt.date.today()
    year, month = calendar.parse_month(args["month"]) if "month" in args else (today.year, today.month)
    return paginate([s.as_dict() for s in calendar.due_in_month(unit.id, year, month, today)], args)
