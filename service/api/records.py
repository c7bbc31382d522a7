"""/api/v1/records: 履责 records, read by whoever may see their unit, made by units.

A record posted here goes through ``perform.records.submit`` exactly as one
filled on the page: validated by the form renderer's validator against the
form of the pack version the unit's plan was made under, read-only fields
restored, attachments checked to be the unit's own files, audited with the
token's user, and the user's draft of that form consumed.
"""
from __future__ import annotations

import functools

import marshmallow as ma
from flask import after_this_request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.access import require_unit_access
from ..define.models import PlanItem
from ..holders import recording
from ..perform import records, search
from ..perform.models import Record, RecordItem, RecordRevision
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
    revision = ma.fields.Integer(required=True, metadata={"description": "Current revision number (1: as submitted)"})
    plan_item_ids = ma.fields.List(ma.fields.Integer(), required=True,
                                   metadata={"description": "The plan items the record counts for"})
    deleted_at = UtcDateTime(required=True, allow_none=True,
                             metadata={"description": "Set when deleted: kept, never counted"})
    deleted_reason = ma.fields.String(required=True)


class RevisionSchema(Schema):
    number = ma.fields.Integer(required=True)
    data = ma.fields.Dict(required=True)
    record_date = ma.fields.Date(required=True, allow_none=True)
    plan_item_ids = ma.fields.List(ma.fields.Integer(), required=True, attribute="items")
    reason = ma.fields.String(required=True, metadata={"description": "Why it was changed (empty for the first)"})
    actor_name = ma.fields.String(required=True)
    at = UtcDateTime(required=True)


class RecordChangeSchema(Schema):
    data = ma.fields.Dict(metadata={"description": "The new answers (all of them); omitted: unchanged"})
    plan_item_ids = ma.fields.List(Id(), validate=ma.validate.Length(max=500),
                                   metadata={"description": "The plan items it counts for; omitted: unchanged"})
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000),
                              metadata={"description": "Why the record is changed"})


class RecordDeleteSchema(Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000),
                              metadata={"description": "Why the record is deleted"})


class RecordCreateSchema(Schema):
    form_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    plan_item_id = Id(metadata={"description": "The plan item (duty) the record proves; default: none, under "
                                               "the unit's newest published plan"})
    data = ma.fields.Dict(required=True, metadata={
        "description": "Answers valid against GET /api/v1/versions/{version}/forms/{form_id}/schema of the "
                       "plan's version; file fields hold references from POST /api/v1/files"})
    plan_item_ids = ma.fields.List(Id(), validate=ma.validate.Length(max=500), metadata={
        "description": "The plan items it counts for; default: the item named and every item of the same form "
                       "in the plan of the record's year"})


class RecordFilters(PageArgs):
    unit = Id(metadata={"description": "Unit id"})
    form = ma.fields.String(validate=ma.validate.Length(min=1, max=100), metadata={"description": "Form id"})
    item = Id(metadata={"description": "Plan item id"})
    date_from = ma.fields.Date(metadata={"description": "Record date on or after (ISO 8601)"})
    date_to = ma.fields.Date(metadata={"description": "Record date on or before (ISO 8601)"})
    q = ma.fields.String(validate=ma.validate.Length(min=1, max=search.MAX_QUERY), metadata={
        "description": "Full-text search of the records' contents (words of two characters or more, "
                       "space-separated, all must occur), as the record book's search"})


def with_items(rows):
    """Give each record its ``plan_item_ids`` (one query for a page of records)."""
    rows = list(rows)
    links: dict[int, list[int]] = {}
    if rows:
        for record_id, item_id in (RecordItem.select(RecordItem.record, RecordItem.plan_item)
                                   .where(RecordItem.record.in_([r.id for r in rows]))
                                   .order_by(RecordItem.plan_item).tuples()):
            links.setdefault(record_id, []).append(item_id)
    for row in rows:
        row.plan_item_ids = links.get(row.id, [])
    return rows


def visible_record(record_id: int) -> Record:
    record = Record.get_or_none(Record.id == record_id)
    if record is None:
        raise NotFound(_("记录不存在"))
    require_unit_access(record.unit_id)
    return with_items([record])[0]


def form_locale() -> str:
    """The locale the form validator speaks for this request."""
    return "en" if str(get_locale()) == "en" else "zh-CN"


def fill_unit(item_id: int | None, pointer_prefix: str = ""):
    """The unit a record of the caller is for: a clerk's own; a holder account's the
    unit of the plan item it names (``plan_item_id`` is required for holders)."""
    if current_user.role == "unit":
        return current_user.unit
    if current_user.role == "holder":
        item = PlanItem.get_or_none(PlanItem.id == item_id) if item_id else None
        if item is None or not current_user.can_see_unit(item.plan.unit_id):
            raise invalid([{"pointer": pointer_prefix + "/plan_item_id",
                            "message": _("请指明本机构负责单位的事项（plan_item_id）")}])
        return item.plan.unit
    raise Forbidden(_("只有单位用户可以填报履责记录。"))


def fill_target(form_id: str, item_id: int | None, pointer_prefix: str = ""):
    """``perform.records.fill_target`` for the caller's unit, as API errors; a clerk is
    refused (403) an item another body records, a holder account any item not its body's."""
    unit = fill_unit(item_id, pointer_prefix)
    try:
        target = records.fill_target(unit, form_id, item_id)
    except records.NotFillable as exc:
        if exc.status == 404:
            field = "/plan_item_id" if item_id is not None and exc.msgid == "事项不存在" else "/form_id"
            raise invalid([{"pointer": pointer_prefix + field, "message": _(exc.msgid)}])
        raise AppError(_(exc.msgid), status=exc.status, code="conflict")
    item = target[0]
    if current_user.role == "holder" and not recording.may_record(current_user, item):
        raise Forbidden(_("此事项不由本机构记录。"))
    if current_user.role == "unit" and item is not None and not recording.may_record(current_user, item):
        name = recording.recorder_name(item.plan.pack_version.pack(), item.list_id,
                                       recording.bodies_of(item.plan.unit_id))
        raise Forbidden(_("此事项由%(name)s记录，本单位只能查看。", name=name))
    return unit, target


def allowed_items(unit, year: int | None) -> set[int] | None:
    """The plan item ids the caller may make a record of ``unit`` count for."""
    if year is None:
        return None
    return {i.id for i in recording.recordable(current_user, records.items_for(unit.id, year))}


@blp.route("")
@blp.etag
@blp.arguments(RecordFilters, location="query")
@blp.response(200, page_of(RecordSchema), headers=PAGINATION_HEADERS)
def list_records(args):
    """Records the caller may see, newest first, filtered by unit, form, item and date."""
    query = Record.select().order_by(Record.id.desc())
    if current_user.is_holder:  # the records of the units in the body's scope
        query = query.where(Record.unit.in_(sorted(current_user.holder_scope()) or [0]) & Record.deleted_at.is_null())
    elif not current_user.is_staff:  # a unit's deleted records are for inspectors
        query = query.where((Record.unit == current_user.unit_id) & Record.deleted_at.is_null())
    if "unit" in args:
        require_unit_access(args["unit"])
        query = query.where(Record.unit == args["unit"])
    if "form" in args:
        query = query.where(Record.form_id == args["form"])
    if "date_from" in args:
        query = query.where(Record.record_date >= args["date_from"])
    if "date_to" in args:
        query = query.where(Record.record_date <= args["date_to"])
    if args.get("q"):
        try:
            words = search.terms(args["q"])
        except search.TooShort:
            raise invalid([{"pointer": "/q", "in": "query", "message": _("请输入至少 2 个字（每个词）")}])
        if words:
            query = query.where(search.matching(Record.id, words))
    if "item" in args:
        query = query.switch(Record).where(Record.id.in_(
            RecordItem.select(RecordItem.record).where(RecordItem.plan_item == args["item"])) | (Record.plan_item == args["item"]))
    page = paginate(query, args)
    page["items"] = with_items(page["items"])
    return page


@blp.route("/<int:record_id>")
@blp.etag
@blp.response(200, RecordSchema)
def get_record(record_id: int):
    """One record (deleted ones too, with their reason)."""
    return visible_record(record_id)


@blp.route("", methods=["POST"])
@blp.etag
@blp.arguments(RecordCreateSchema)
@blp.response(201, RecordSchema)
@blp.alt_response(409, response="CONFLICT")
def create_record(body):
    """Make a record (unit users), validated like the page's form; errors point into `/data`."""
    unit, (item, version, form) = fill_target(body["form_id"], body.get("plan_item_id"))
    plan = item.plan if item is not None else records.current_plan(unit.id)
    record, errors = records.submit(user=current_user._get_current_object(), unit=unit,
                                    version=version, form_id=form.id, plan_item=item, data=body["data"],
                                    locale=form_locale(), items=body.get("plan_item_ids"),
                                    allowed=allowed_items(unit, plan.year if plan else None))
    if errors:
        raise invalid(_pointers(errors))
    with_items([record])

    @after_this_request
    def _location(response):
        response.headers["Location"] = url_for("api_records.get_record", record_id=record.id)
        return response
    return record


def _pointers(errors) -> list[dict]:
    """Record problems as body pointers: answers under ``/data``, the items at ``/plan_item_ids``."""
    out = []
    for error in errors:
        if error.path == "/items":
            out.append({"pointer": "/plan_item_ids", "message": error.message})
        elif error.path == "/reason":
            out.append({"pointer": "/reason", "message": error.message})
        else:
            out.append({"pointer": "/data" + error.path, "message": error.message})
    return out


def _record_first(view):
    """Refuse another unit's caller before reading the body (no 422 tells them anything)."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        visible_record(kwargs["record_id"])
        return view(*args, **kwargs)
    return wrapped


def _own_record(record_id: int) -> Record:
    """A record the caller may change (``holders.recording.may_change``), not deleted."""
    record = visible_record(record_id)
    if current_user.role not in ("unit", "holder"):
        raise Forbidden(_("只有本单位用户可以修改或删除履责记录。"))
    if not recording.may_change(current_user, record):
        raise Forbidden(_("此记录由其他机构记录，本单位只能查看。") if current_user.role == "unit"
                        else _("此记录不由本机构记录，不能修改或删除。"))
    if record.is_deleted:
        raise AppError(_("记录已删除，不能再修改。"), status=409, code="conflict")
    return record


@blp.route("/<int:record_id>", methods=["PUT"])
@_record_first
@blp.etag
@blp.arguments(RecordChangeSchema)
@blp.response(200, RecordSchema)
@blp.alt_response(409, response="CONFLICT")
@blp.alt_response(412, response="PRECONDITION_FAILED")
@blp.alt_response(428, response="PRECONDITION_REQUIRED")
def change_record(body, record_id: int):
    """Change a record (unit users): a new revision with a `reason`; earlier revisions are kept.
    Send the ETag you read in `If-Match`."""
    record = _own_record(record_id)
    blp.check_etag(record, RecordSchema)
    try:
        _revision, errors = records.revise(record, user=current_user._get_current_object(), data=body.get("data"),
                                           items=body.get("plan_item_ids"), reason=body["reason"],
                                           expected_revision=record.revision, locale=form_locale(),
                                           allowed=allowed_items(record.unit, records._plan_year(record))
                                           | set(record.plan_item_ids))
    except records.Stale:
        raise AppError(_("记录已被他人修改或删除，请重新读取后再改。"), status=409, code="conflict")
    if errors:
        raise invalid(_pointers(errors))
    return with_items([record])[0]


@blp.route("/<int:record_id>", methods=["DELETE"])
@_record_first
@blp.etag
@blp.arguments(RecordDeleteSchema)
@blp.response(200, RecordSchema)
@blp.alt_response(409, response="CONFLICT")
@blp.alt_response(412, response="PRECONDITION_FAILED")
@blp.alt_response(428, response="PRECONDITION_REQUIRED")
def delete_record(body, record_id: int):
    """Delete a record (unit users) with a `reason`: it is kept, shown to inspectors and never counted.
    Send the ETag you read in `If-Match`."""
    record = _own_record(record_id)
    blp.check_etag(record, RecordSchema)
    try:
        errors = records.delete_record(record, user=current_user._get_current_object(), reason=body["reason"],
                                       expected_revision=record.revision, locale=form_locale())
    except records.Stale:
        raise AppError(_("记录已被他人修改或删除，请重新读取后再改。"), status=409, code="conflict")
    if errors:
        raise invalid(_pointers(errors))
    return with_items([record])[0]


@blp.route("/<int:record_id>/revisions")
@blp.etag
@_record_first
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(RevisionSchema), headers=PAGINATION_HEADERS)
def record_revisions(args, record_id: int):
    """Every revision of a record, oldest first: the answers, items, reason, who and when."""
    record = visible_record(record_id)
    return paginate(RecordRevision.select().where(RecordRevision.record == record).order_by(RecordRevision.number),
                    args)
