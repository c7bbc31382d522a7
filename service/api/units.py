"""/api/v1/units: the unit registry. Everyone reads what they may see (a unit
user only their own unit); admins create and update, checked by the same
rules as the unit form and the importer (``units.editing.read_form``)."""
from __future__ import annotations

import marshmallow as ma
from flask import after_this_request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from peewee import IntegrityError

from .. import audit
from ..auth.access import require_unit_access, role_required
from ..units import views as _unit_views  # noqa: F401  (editing must load through the views module)
from ..units.editing import form_text, read_form
from ..units.models import UNIT_TYPES, Unit
from ..units.profile import MAX_COUNT, MAX_LENGTH, MAX_TAG_LENGTH, join_list, split_list
from ..web.errors import NotFound
from .base import (PAGINATION_HEADERS, Blueprint, Id, PageArgs, Schema, StrictBoolean, UtcDateTime, invalid,
                   page_of, paginate)

blp = Blueprint("api_units", __name__, tag="units", url_prefix="/api/v1/units", description="单位 / Units")


class UnitSchema(Schema):
    id = ma.fields.Integer(required=True)
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    type = ma.fields.String(required=True, validate=ma.validate.OneOf(UNIT_TYPES))
    parent_id = ma.fields.Integer(required=True, allow_none=True)
    tags = ma.fields.List(ma.fields.String(), required=True)
    risk_areas = ma.fields.List(ma.fields.String(), required=True)
    subordinate_units = ma.fields.Integer(required=True)
    law_enforcement = ma.fields.Boolean(required=True)
    leader_name = ma.fields.String(required=True)
    leader_title = ma.fields.String(required=True)
    active = ma.fields.Boolean(required=True)
    created_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)


def _words(**kwargs):
    return ma.fields.List(ma.fields.String(validate=ma.validate.Length(min=1, max=MAX_TAG_LENGTH)),
                          validate=ma.validate.Length(max=100), **kwargs)


class UnitPatchSchema(Schema):
    """Fields an admin may set; omitted fields keep their value."""

    code = ma.fields.String(validate=ma.validate.Length(min=1, max=MAX_LENGTH["code"]))
    name = ma.fields.String(validate=ma.validate.Length(min=1, max=MAX_LENGTH["name"]))
    type = ma.fields.String(validate=ma.validate.OneOf(UNIT_TYPES))
    parent_id = Id(allow_none=True)
    tags = _words()
    risk_areas = _words()
    subordinate_units = ma.fields.Integer(strict=True, validate=ma.validate.Range(min=0, max=MAX_COUNT))
    law_enforcement = StrictBoolean()
    leader_name = ma.fields.String(validate=ma.validate.Length(max=MAX_LENGTH["leader_name"]))
    leader_title = ma.fields.String(validate=ma.validate.Length(max=MAX_LENGTH["leader_title"]))
    active = StrictBoolean()


class UnitCreateSchema(UnitPatchSchema):
    code = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=MAX_LENGTH["code"]))
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=MAX_LENGTH["name"]))
    type = ma.fields.String(required=True, validate=ma.validate.OneOf(UNIT_TYPES))


class UnitFilters(PageArgs):
    q = ma.fields.String(validate=ma.validate.Length(max=200),
                         metadata={"description": "Text in the code, name or leader's name"})
    type = ma.fields.String(validate=ma.validate.OneOf(UNIT_TYPES))
    active = ma.fields.Boolean(metadata={"description": "true: active units only; false: inactive only"})


def visible_unit(unit_id: int) -> Unit:
    """The unit, if the caller may see it (403 for another unit's user, 404 when missing)."""
    require_unit_access(unit_id)
    unit = Unit.get_or_none(Unit.id == unit_id)
    if unit is None:
        raise NotFound(_("单位不存在"))
    return unit


@blp.route("")
@blp.etag
@blp.arguments(UnitFilters, location="query")
@blp.response(200, page_of(UnitSchema), headers=PAGINATION_HEADERS)
def list_units(args):
    """Units the caller may see, by code; staff filter by text, type and status."""
    query = Unit.select().order_by(Unit.code, Unit.id)
    if not current_user.is_staff:
        query = query.where(Unit.id == current_user.unit_id)
    if args.get("q"):
        q = args["q"]
        query = query.where(Unit.name.contains(q) | Unit.code.contains(q) | Unit.leader_name.contains(q))
    if args.get("type"):
        query = query.where(Unit.type == args["type"])
    if "active" in args:
        query = query.where(Unit.active == args["active"])
    return paginate(query, args)


@blp.route("/<int:unit_id>")
@blp.etag
@blp.response(200, UnitSchema)
def get_unit(unit_id: int):
    """One unit's profile."""
    return visible_unit(unit_id)


def _as_form(values: dict, base: dict[str, str]) -> dict[str, str]:
    """API values as the text the unit form posts, over ``base`` (the unit's current text)."""
    form = dict(base)
    for key in ("code", "name", "type", "leader_name", "leader_title"):
        if key in values:
            form[key] = values[key]
    for key in ("tags", "risk_areas"):
        if key in values:
            form[key] = join_list(values[key])
    if "subordinate_units" in values:
        form["subordinate_units"] = str(values["subordinate_units"])
    if "law_enforcement" in values:
        form["law_enforcement"] = "1" if values["law_enforcement"] else ""
    if "parent_id" in values:
        form["parent"] = str(values["parent_id"] or "")
    return form


def _checked(values: dict, unit: Unit | None) -> dict:
    """The profile values the unit form would store for ``values``, or a 422 naming each field."""
    errors = []
    for key in ("tags", "risk_areas"):
        # The form splits words at commas and 、; a word holding one would be
        # stored as two, so the API refuses it instead of changing it.
        for index, word in enumerate(values.get(key) or []):
            if split_list(word) != [word.strip()]:
                errors.append({"pointer": f"/{key}/{index}",
                               "message": _("不能为空，也不能包含逗号、顿号、分号或换行")})
    form_values, problems = read_form(_as_form(values, form_text(unit)), unit)
    errors += [{"pointer": "/parent_id" if key == "parent" else f"/{key}", "message": problem.render(_)}
               for key, problem in problems.items()]
    if errors:
        raise invalid(errors)
    if "active" in values:
        form_values["active"] = values["active"]
    return form_values


@blp.route("", methods=["POST"])
@role_required("admin")
@blp.etag
@blp.arguments(UnitCreateSchema)
@blp.response(201, UnitSchema)
def create_unit(values):
    """Create a unit (admins)."""
    fields = _checked(values, None)
    try:
        unit = audit.create(Unit, **fields)
    except IntegrityError:  # another admin took the code a moment ago
        raise invalid([{"pointer": "/code", "message": _("编号已存在")}])
    return _created(unit)


def _created(unit: Unit):
    @after_this_request
    def _location(response):
        response.headers["Location"] = url_for("api_units.get_unit", unit_id=unit.id)
        return response
    return unit


@blp.route("/<int:unit_id>", methods=["PATCH"])
@role_required("admin")
@blp.etag
@blp.arguments(UnitPatchSchema)
@blp.response(200, UnitSchema)
def update_unit(values, unit_id: int):
    """Change a unit (admins); send the ETag you read in `If-Match`."""
    unit = visible_unit(unit_id)
    blp.check_etag(unit, UnitSchema)
    fields = _checked(values, unit)
    try:
        audit.update(unit, **fields)
    except IntegrityError:
        raise invalid([{"pointer": "/code", "message": _("编号已存在")}])
    return unit
