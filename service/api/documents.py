"""/api/v1/documents: issued portraits and analysis reports (出具的画像与分析报告), staff only.

A document is stored whole when it is issued (pages: 督责 → 动态画像 / 分析报告 → 出具);
the API lists and reads them. ``GET /api/v1/statistics`` links its figures
``leaders_portrayed`` and ``analysis_reports`` to this list, whose ``total``
equals the figure.
"""
from __future__ import annotations

import marshmallow as ma
from flask_babel import gettext as _

from ..auth.access import role_required
from ..supervise import documents
from ..supervise.models import IssuedDocument
from ..web.errors import NotFound
from .base import PAGINATION_HEADERS, Blueprint, Id, PageArgs, Schema, UtcDateTime, page_of, paginate

blp = Blueprint("api_documents", __name__, tag="documents", url_prefix="/api/v1/documents",
                description="出具的画像与分析报告 / Issued portraits and reports")

STAFF = ("admin", "inspector")


class DocumentFilters(PageArgs):
    kind = ma.fields.String(validate=ma.validate.OneOf(tuple(documents.KIND_FILTERS)),
                            metadata={"description": "portrait, unit-report, district-report, or report (both reports)"})
    unit = ma.fields.List(Id(), metadata={"description": "Unit ids (repeat for several); leaves out district analyses"})
    period = ma.fields.String(validate=ma.validate.Length(min=4, max=10))
    issued_from = ma.fields.Date(metadata={"description": "Issued on or after this day (UTC)"})
    issued_to = ma.fields.Date(metadata={"description": "Issued on or before this day (UTC)"})


class TableSchema(Schema):
    caption = ma.fields.String(required=True)
    headers = ma.fields.List(ma.fields.String(), required=True)
    rows = ma.fields.List(ma.fields.List(ma.fields.Raw()), required=True)


class DocumentSchema(Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True, metadata={"description": "portrait, unit-report or district-report"})
    unit_id = ma.fields.Integer(required=True, allow_none=True, metadata={"description": "null: the district's"})
    period = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    note = ma.fields.String(required=True)
    pack_version_id = ma.fields.Integer(required=True, allow_none=True)
    issued_by = ma.fields.String(required=True, metadata={"description": "The username of who issued it"})
    issued_at = UtcDateTime(required=True)
    sha256 = ma.fields.String(required=True, metadata={"description": "Of the content as issued"})


class DocumentContentSchema(DocumentSchema):
    sections = ma.fields.List(ma.fields.List(ma.fields.String()), required=True,
                              metadata={"description": "[heading, text] pairs"})
    tables = ma.fields.List(ma.fields.Nested(TableSchema), required=True)
    values = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), required=True,
                            metadata={"description": "The figures filled into the wording"})


def document_dict(d: IssuedDocument, *, content: bool = False) -> dict:
    out = {"id": d.id, "kind": d.kind, "unit_id": d.unit_id, "period": d.period, "title": d.title, "note": d.note,
           "pack_version_id": d.pack_version_id, "issued_by": d.issued_by.username, "issued_at": d.issued_at,
           "sha256": d.sha256}
    if content:
        out.update(sections=d.content["sections"], tables=d.content["tables"], values=d.content["values"])
    return out


@blp.route("")
@role_required(*STAFF)
@blp.etag
@blp.arguments(DocumentFilters, location="query")
@blp.response(200, page_of(DocumentSchema), headers=PAGINATION_HEADERS)
def list_documents(args):
    """Issued documents, newest first, by kind, units, period and issue day."""
    query = documents.query(kind=args.get("kind"), units=args.get("unit"), period=args.get("period"),
                            issued_from=args.get("issued_from"), issued_to=args.get("issued_to"))
    page = paginate(query, args)
    page["items"] = [document_dict(d) for d in page["items"]]
    return page


@blp.route("/<int:document_id>")
@role_required(*STAFF)
@blp.etag
@blp.response(200, DocumentContentSchema)
def get_document(document_id: int):
    """One issued document with its content as issued."""
    document = IssuedDocument.get_or_none(IssuedDocument.id == document_id)
    if document is None:
        raise NotFound(_("文书不存在"))
    return document_dict(document, content=True)
