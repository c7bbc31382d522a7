"""/api/v1/records: 履责 records, read by whoever may see their unit, made by units.

A record posted here goes through ``perform.records.submit`` exactly as one
filled on the page: validated by the form renderer's validator against the
form of the pack version the unit's plan was made under, read-only fields
restored, attachments checked to be the unit's own files, audited with the
token's user, and the user's draft of that form consumed.
"""
from __future__ import annotations

import marshmallow as ma
from flask import after_this_request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.access import require_unit_access
from ..perform import records
from ..perform.models import Record
from ..web.errors import AppError, Forbidden, NotFound
from .base import (PAGINATION_HEADERS, Blueprint, Id, PageArgs, Schema, UtcDateTime, invalid, page_of,
                   paginate)

blp = Blueprint("api_records", __name__, tag="records", url_prefix="/api/v1/records",
                description="履责记录 / Records")


class RecordSchema(Schema):
    id = ma.fields.Integer(required=True)
    unit_id = ma.fields.Integer(required=True)
    pack_version_id = ma.fields.Integer(required=True, metadata={"description": "The version whose form it was made with"})
    form_id = ma.fields.String(required=True)
    plan_item_id = ma.fields.Integer(required=True, allow_none=True)
    record_date = ma.fields.Date(required=True, allow_none=True)
    data = ma.fields.Dict(required=True, metadata={"description": "The answers, as the form's JSON Schema describes them"})
    created_by_id = ma.fields.Integer(required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)


class RecordCreateSchema(Schema):
    form_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    plan_item_id = Id(metadata={"description": "The plan item (duty) the record proves; default: none, under "
                                               "the unit's newest published plan"})
    data = ma.fields.Dict(required=True, metadata={
        "description": "Answers valid against GET /api/v1/versions/{version}/forms/{form_id}/schema of the "
                       "plan's version; file fields hold references from POST /api/v1/files"})


class RecordFilters(PageArgs):
    unit = Id(metadata={"description": "Unit id"})
    form = ma.fields.String(validate=ma.validate.Length(min=1, max=100), metadata={"description": "Form id"})
    item = Id(metadata={"description": "Plan item id"})
    date_from = ma.fields.Date(metadata={"description": "Record date on or after (ISO 8601)"})
    date_to = ma.fields.Date(metadata={"description": "Record date on or before (ISO 8601)"})


def form_locale() -> str:
    """The locale the form validator speaks for this request."""
    return "en" if str(get_locale()) == "en" else "zh-CN"


def fill_target(form_id: str, item_id: int | None, pointer_prefix: str = ""):
    """``perform.records.fill_target`` for the caller's unit, as API errors."""
    if current_user.role != "unit":
        raise Forbidden(_("只有单位用户可以填报履责记录。"))
    try:
        return records.fill_target(current_user.unit, form_id, item_id)
    except records.NotFillable as exc:
        if exc.status == 404:
            field = "/plan_item_id" if item_id is not None and exc.msgid == "事项不存在" else "/form_id"
            raise invalid([{"pointer": pointer_prefix + field, "message": _(exc.msgid)}])
        raise AppError(_(exc.msgid), status=exc.status, code="conflict")


@blp.route("")
@blp.etag
@blp.arguments(RecordFilters, location="query")
@blp.response(200, page_of(RecordSchema), headers=PAGINATION_HEADERS)
def list_records(args):
    """Records the caller may see, newest first, filtered by unit, form, item and date."""
    query = Record.select().order_by(Record.id.desc())
    if not current_user.is_staff:
        query = query.where(Record.unit == current_user.unit_id)
    if "unit" in args:
        require_unit_access(args["unit"])
        query = query.where(Record.unit == args["unit"])
    if "form" in args:
        query = query.where(Record.form_id == args["form"])
    if "item" in args:
        query = query.where(Record.plan_item == args["item"])
    if "date_from" in args:
        query = query.where(Record.record_date >= args["date_from"])
    if "date_to" in args:
        query = query.where(Record.record_date <= args["date_to"])
    return paginate(query, args)


@blp.route("/<int:record_id>")
@blp.etag
@blp.response(200, RecordSchema)
def get_record(record_id: int):
    """One record."""
    record = Record.get_or_none(Record.id == record_id)
    if record is None:
        raise NotFound(_("记录不存在"))
    require_unit_access(record.unit_id)
    return record


@blp.route("", methods=["POST"])
@blp.etag
@blp.arguments(RecordCreateSchema)
@blp.response(201, RecordSchema)
@blp.alt_response(409, response="CONFLICT")
def create_record(body):
    """Make a record (unit users), validated like the page's form; errors point into `/data`."""
    item, version, form = fill_target(body["form_id"], body.get("plan_item_id"))
    record, errors = records.submit(user=current_user._get_current_object(), unit=current_user.unit,
                                    version=version, form_id=form.id, plan_item=item, data=body["data"],
                                    locale=form_locale())
    if errors:
        raise invalid([{"pointer": "/data" + error.path, "message": error.message} for error in errors])

    @after_this_request
    def _location(response):
        response.headers["Location"] = url_for("api_records.get_record", record_id=record.id)
        return response
    return record
