"""/api/v1/files: evidence files. A unit uploads for a file field of one of its
forms (checked against that field like an upload on the page), reads the
metadata, and downloads the bytes; staff read and download every unit's.

A record then names the file in its answers with the ``reference`` given here.
"""
from __future__ import annotations

import json

import marshmallow as ma
from flask import after_this_request, current_app, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest.fields import Upload

from ..auth.access import require_unit_access
from ..forms import compile_form, registry, schema_at
from ..perform import records
from ..perform.models import StoredFile
from ..perform.views import quota_message
from ..web.errors import NotFound
from .base import Blueprint, Id, Schema, UtcDateTime, invalid
from .records import fill_target, form_locale

blp = Blueprint("api_files", __name__, tag="files", url_prefix="/api/v1/files", description="证明材料 / Evidence files")

MAX_DATA_CHARS = 1024 * 1024


class FileReferenceSchema(Schema):
    id = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    size = ma.fields.Integer(required=True)
    type = ma.fields.String(required=True)


class StoredFileSchema(Schema):
    id = ma.fields.String(required=True)
    unit_id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    content_type = ma.fields.String(required=True)
    size = ma.fields.Integer(required=True)
    sha256 = ma.fields.String(required=True)
    uploaded_by_id = ma.fields.Integer(required=True)
    created_at = UtcDateTime(required=True)
    reference = ma.fields.Nested(FileReferenceSchema, required=True, metadata={
        "description": "What a record's file field holds for this file"})


def _described(stored: StoredFile) -> dict:
    """The file as ``StoredFileSchema`` shows it."""
    return {**{name: getattr(stored, name) for name in StoredFileSchema._declared_fields if name != "reference"},
            "reference": stored.reference()}


class UploadSchema(Schema):
    form_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    field = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=500), metadata={
        "description": "JSON Pointer of the file field in the form's answers, e.g. /attachments"})
    plan_item_id = Id()
    data = ma.fields.String(validate=ma.validate.Length(max=MAX_DATA_CHARS), metadata={
        "description": "The answers so far as JSON text, when a condition decides whether the field is shown"})
    file = Upload(required=True)


def visible_file(file_id: str) -> StoredFile:
    """The stored file, if the caller may see its unit (403 for another unit's user)."""
    stored = StoredFile.get_or_none(StoredFile.id == file_id) if len(file_id) <= 36 else None
    if stored is None:
        raise NotFound(_("文件不存在"))
    require_unit_access(stored.unit_id)
    return stored


def _answers(text: str | None) -> dict:
    if not text:
        return {}
    try:
        value = json.loads(text, parse_constant=lambda name: None)
    except (ValueError, RecursionError):
        value = None
    if not isinstance(value, dict):
        raise invalid([{"pointer": "/data", "in": "form", "message": _("须为 JSON 对象")}])
    return value


@blp.route("", methods=["POST"])
@blp.etag
@blp.arguments(UploadSchema, location="multipart")
@blp.response(201, StoredFileSchema)
@blp.alt_response(409, response="CONFLICT")
def upload_file(args):
    """Upload an evidence file for a file field of a form (unit users)."""
    unit, (_item, _version, form) = fill_target(args["form_id"], args.get("plan_item_id"), "")
    node = schema_at(form.schema, _answers(args.get("data")), args["field"])
    if node is None or registry.kind(compile_form(form.schema), node) != "file":
        raise invalid([{"pointer": "/field", "in": "form", "message": _("表单中没有这个附件字段")}])
    storage = args["file"]
    try:
        stored = records.store_upload(unit=unit, user=current_user._get_current_object(),
                                      filename=storage.filename, content_type=storage.mimetype, stream=storage.stream,
                                      field_schema=node, upload_folder=current_app.config["UPLOAD_FOLDER"],
                                      locale=form_locale(), quota_bytes=current_app.config["UPLOAD_QUOTA_BYTES"])
    except records.QuotaExceeded as exc:
        raise invalid([{"pointer": "/file", "in": "form", "message": quota_message(exc)}])
    except records.UploadError as exc:
        raise invalid([{"pointer": "/file", "in": "form", "message": str(exc)}])

    @after_this_request
    def _location(response):
        response.headers["Location"] = url_for("api_files.get_file", file_id=stored.id)
        return response
    return _described(stored)


@blp.route("/<file_id>")
@blp.etag
@blp.response(200, StoredFileSchema)
def get_file(file_id: str):
    """A stored file's metadata."""
    return _described(visible_file(file_id))


@blp.route("/<file_id>/content")
@blp.alt_response(200, schema={"type": "string", "contentMediaType": "application/octet-stream"}, success=True,
                  content_type="application/octet-stream", description="The file's bytes, as an attachment")
@blp.alt_response(304, response="NOT_MODIFIED")
def download_file(file_id: str):
    """A stored file's bytes, always as an attachment (its type is in the metadata)."""
    stored = visible_file(file_id)
    path = records.stored_path(stored, current_app.config["UPLOAD_FOLDER"])
    if not path.is_file():
        raise NotFound(_("文件不存在"))
    return send_file(path, mimetype="application/octet-stream", as_attachment=True, download_name=stored.name,
                     max_age=0, etag=stored.sha256)
