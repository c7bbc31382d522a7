"""/api/v1/statistics and /api/v1/dispositions: 成效统计 and the dispositions list.

Each figure is ``{"key", "label", "value", "list"}``: ``list`` is the API URL
of the list behind it (findings or dispositions, with the period's and units'
filters), whose ``total`` equals ``value`` — both are counted by the same
query (``accountability.statistics``). Rates and averages are under
``derived``, naming the figure they are computed over.
"""
from __future__ import annotations

import datetime as dt

import marshmallow as ma
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from webargs.fields import DelimitedList

from ..accountability import cases, statistics
from ..web.errors import Invalid
from .base import PAGINATION_HEADERS, Blueprint, Id, PageArgs, Schema, page_of, paginate
from .findings import DispositionSchema

blp = Blueprint("api_statistics", __name__, tag="statistics", url_prefix="/api/v1",
                description="成效统计与处置 / Statistics and dispositions")

LISTS = {"findings": "api_findings.list_findings", "dispositions": "api_statistics.list_dispositions",
         "documents": "api_documents.list_documents"}


class StatisticsArgs(Schema):
    from_ = ma.fields.Date(data_key="from", metadata={"description": "First day (default: 1 January of this year)"})
    to = ma.fields.Date(metadata={"description": "Last day (default: today)"})
    units = DelimitedList(Id(), metadata={"description": "Unit ids, comma-separated (default: every unit you may see)"})


class FigureSchema(Schema):
    key = ma.fields.String(required=True)
    label = ma.fields.String(required=True)
    value = ma.fields.Integer(required=True)
    list = ma.fields.String(required=True, metadata={"description": "API URL of the list whose total equals value"})


class DerivedSchema(Schema):
    key = ma.fields.String(required=True)
    label = ma.fields.String(required=True)
    value = ma.fields.Float(required=True, allow_none=True, metadata={"description": "null when there is no basis"})
    unit = ma.fields.String(required=True, metadata={"description": "% or days"})
    basis = ma.fields.String(required=True, metadata={"description": "The key of the figure it is computed over"})


class StatisticsSchema(Schema):
    from_ = ma.fields.Date(data_key="from", required=True)
    to = ma.fields.Date(required=True)
    units = ma.fields.List(ma.fields.Integer(), required=True)
    figures = ma.fields.List(ma.fields.Nested(FigureSchema), required=True)
    derived = ma.fields.List(ma.fields.Nested(DerivedSchema), required=True)


class DispositionItemSchema(DispositionSchema):
    finding_id = ma.fields.Integer(required=True)
    unit_id = ma.fields.Integer(required=True, metadata={"description": "The finding's unit"})


class DispositionFilters(PageArgs):
    unit = ma.fields.List(Id(), metadata={"description": "Unit ids of the findings (repeat for several)"})
    kind = ma.fields.String(validate=ma.validate.Length(min=1, max=50), metadata={"description": "Disposition id"})
    counts_as = ma.fields.String(validate=ma.validate.OneOf(("talk", "suggestion", "system")))
    decided_from = ma.fields.Date()
    decided_to = ma.fields.Date()


def period(args: dict) -> tuple[dt.date, dt.date]:
    """The period asked for, checked (a 422 pointing at from/to when impossible)."""
    today = dt.date.today()
    date_from = args.get("from_") or dt.date(today.year, 1, 1)
    date_to = args.get("to") or today
    for name, value in (("from", date_from), ("to", date_to)):
        if not 1900 <= value.year <= 2999:
            raise Invalid(details=[{"pointer": f"/{name}", "in": "query", "message": _("日期不在有效范围内。")}])
    if date_to < date_from:
        raise Invalid(details=[{"pointer": "/to", "in": "query", "message": _("结束日期不能早于开始日期。")}])
    return date_from, date_to


def list_url(figure: statistics.Figure) -> str:
    return url_for(LISTS[figure.list], **figure.args)


@blp.route("/statistics")
@blp.etag
@blp.arguments(StatisticsArgs, location="query")
@blp.response(200, StatisticsSchema)
def get_statistics(args):
    """成效统计 for a period and units: each figure with the API list behind it (its total equals the value)."""
    date_from, date_to = period(args)
    units = sorted(set(args.get("units") or []))
    if not current_user.is_staff:  # a unit's figures are its own, whatever it names
        units = [current_user.unit_id]
    counted, derived = statistics.figures(current_user._get_current_object(), date_from, date_to, units)
    return {"from_": date_from, "to": date_to, "units": units,
            "figures": [{"key": f.key, "label": _(f.label), "value": f.value, "list": list_url(f)} for f in counted],
            "derived": [{"key": d.key, "label": _(d.label), "value": d.value, "unit": d.unit, "basis": d.basis}
                        for d in derived]}


@blp.route("/dispositions")
@blp.etag
@blp.arguments(DispositionFilters, location="query")
@blp.response(200, page_of(DispositionItemSchema), headers=PAGINATION_HEADERS)
def list_dispositions(args):
    """Dispositions on the findings the caller may see, by decision date (newest first)."""
    from ..accountability.models import Disposition
    query = cases.dispositions_query(current_user._get_current_object(), kind=args.get("kind"),
                                     counts_as=args.get("counts_as"), units=args.get("unit"),
                                     decided_from=args.get("decided_from"), decided_to=args.get("decided_to"))
    page = paginate(query.order_by(Disposition.decided_on.desc(), Disposition.id.desc()), args)
    page["items"] = [{**{name: getattr(d, name) for name in DispositionSchema._declared_fields},
                      "finding_id": d.finding_id, "unit_id": d.finding.unit_id} for d in page["items"]]
    return page
