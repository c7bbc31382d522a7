"""/api/v1/versions: stored rule-pack versions, their manifest, items and forms.

Versions are immutable, so their ids are stable and their ETags never change.
Staff read every version; a unit user reads the versions its published plans
were made under (the forms its records are validated against).
"""
from __future__ import annotations

import dataclasses

import marshmallow as ma
from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from ..define.models import Plan
from ..packs.store import PackVersion
from ..web.errors import NotFound
from .base import PAGINATION_HEADERS, Blueprint, PageArgs, Schema, UtcDateTime, page_of, paginate

blp = Blueprint("api_versions", __name__, tag="versions", url_prefix="/api/v1/versions",
                description="规则包版本 / Pack versions")


class VersionSchema(Schema):
    id = ma.fields.Integer(required=True)
    pack_id = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    version = ma.fields.String(required=True)
    content_hash = ma.fields.String(required=True, metadata={"description": "sha256 of the pack's files"})
    parent_id = ma.fields.Integer(required=True, allow_none=True)
    source = ma.fields.String(required=True, validate=ma.validate.OneOf(("install", "editor", "import")))
    note = ma.fields.String(required=True)
    created_at = UtcDateTime(required=True)
    created_by = ma.fields.String(required=True)
    published = ma.fields.Boolean(required=True)
    published_at = UtcDateTime(required=True, allow_none=True)


class ManifestSchema(Schema):
    id = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    version = ma.fields.String(required=True)
    format_version = ma.fields.Integer(required=True)
    district = ma.fields.String(required=True)
    description = ma.fields.String(required=True)
    license = ma.fields.String(required=True)
    forms_dir = ma.fields.String(required=True)


class PackItemSchema(Schema):
    id = ma.fields.String(required=True)
    list = ma.fields.String(required=True)
    category = ma.fields.String(required=True)
    text = ma.fields.String(required=True)
    frequency = ma.fields.String(required=True)
    min_count = ma.fields.Integer(required=True)
    form = ma.fields.String(required=True)
    holder = ma.fields.String(required=True)
    due = ma.fields.Dict(required=True, allow_none=True)
    applies_if = ma.fields.Raw(required=True, allow_none=True, metadata={"description": "JsonLogic rule"})
    check = ma.fields.Raw(required=True, allow_none=True, metadata={"description": "JsonLogic rule"})
    weight = ma.fields.Float(required=True)
    finding = ma.fields.String(required=True)
    supervisor = ma.fields.String(required=True)


class FormSchema(Schema):
    id = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    is_record = ma.fields.Boolean(required=True, metadata={"description": "false for forms that are not duty records"})
    file = ma.fields.String(required=True)


def visible_versions():
    """The versions the caller may read (light: without their files)."""
    query = PackVersion.select(*PackVersion.light_fields()).order_by(PackVersion.id.desc())
    if not current_user.is_staff:
        used = (Plan.select(Plan.pack_version)
                .where((Plan.unit == current_user.unit_id) & (Plan.status == "published")))
        query = query.where(PackVersion.id.in_(used))
    return query


def visible_version(version_id: int) -> PackVersion:
    """The version, or 404 when it does not exist or the caller may not read it."""
    version = visible_versions().where(PackVersion.id == version_id).first()
    if version is None:
        raise NotFound(_("规则包版本不存在"))
    return version


@blp.route("")
@blp.etag
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(VersionSchema), headers=PAGINATION_HEADERS)
def list_versions(args):
    """Stored pack versions, newest first."""
    return paginate(visible_versions(), args)


@blp.route("/<int:version_id>")
@blp.etag
@blp.response(200, VersionSchema)
def get_version(version_id: int):
    """One version's metadata."""
    return visible_version(version_id)


@blp.route("/<int:version_id>/manifest")
@blp.etag
@blp.response(200, ManifestSchema)
def get_manifest(version_id: int):
    """The version's manifest (rules/pack.json)."""
    return dataclasses.asdict(visible_version(version_id).pack().manifest)


@blp.route("/<int:version_id>/items")
@blp.etag
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(PackItemSchema), headers=PAGINATION_HEADERS)
def list_items(args, version_id: int):
    """The version's duty items, in file order."""
    return paginate(list(visible_version(version_id).pack().items), args)


@blp.route("/<int:version_id>/forms")
@blp.etag
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(FormSchema), headers=PAGINATION_HEADERS)
def list_forms(args, version_id: int):
    """The version's forms, by id."""
    forms = visible_version(version_id).pack().forms
    return paginate([forms[key] for key in sorted(forms)], args)


@blp.route("/<int:version_id>/forms/<form_id>/schema")
@blp.etag
@blp.alt_response(200, schema={"type": "object"}, success=True,
                  description="The form's JSON Schema (2020-12), as stored")
def get_form_schema(version_id: int, form_id: str):
    """A form's JSON Schema exactly as the version stores it."""
    form = visible_version(version_id).pack().forms.get(form_id)
    if form is None:
        raise NotFound(_("表单不存在"))
    blp.set_etag(form.schema)
    return jsonify(form.schema)
