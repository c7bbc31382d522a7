"""/api/v1/portraits and /api/v1/reports: leader portraits (动态画像) and analysis reports
(廉情报告, 政治生态分析) as JSON, staff only, like their pages (督责 → 动态画像 / 分析报告).

The figures are the pages' own (``supervise.portraits``, ``supervise.reports``): a portrait
reads the newest finished check run of each period and asks the status engine only for a
period without one (``source`` says which). A report here is computed now; an issued one,
stored whole, is read from /api/v1/documents.
"""
from __future__ import annotations

import datetime as dt

import marshmallow as ma
from flask_babel import gettext as _

from ..auth.access import role_required
from ..perform import status as engine
from ..supervise import portraits as pt
from ..supervise import reports
from ..supervise.portrait_views import report_period
from ..units.models import Unit
from ..web.errors import Invalid, NotFound
from .base import Blueprint, Id, Schema
from .documents import TableSchema

blp = Blueprint("api_portraits", __name__, tag="portraits", url_prefix="/api/v1",
                description="动态画像与分析报告 / Leader portraits and analysis reports")

STAFF = ("admin", "inspector")


# --------------------------------------------------------------------------- arguments

def _this_year() -> int:
    return dt.date.today().year


class YearArgs(Schema):
    year = ma.fields.Integer(metadata={"description": "The portrait's year (default: this year); the year "
                                                      "before is shown beside it"})


class PortraitListArgs(YearArgs):
    unit = ma.fields.List(Id(), metadata={"description": "Unit ids (repeat for several; default: every "
                                                         "active unit, by code)"})


class PeriodArgs(Schema):
    period = ma.fields.String(validate=ma.validate.Length(max=20),
                              metadata={"description": "A quarter (2022Q2), half-year (2022H1) or year (2022); "
                                                       "default: last year"})


def _year(args: dict) -> int:
    year = args.get("year") or _this_year()
    if not 2000 <= year <= _this_year():
        raise Invalid(details=[{"pointer": "/year", "in": "query",
                                "message": _("年份须为 2000 到 %(year)s 之间的四位数字。", year=_this_year())}])
    return year


def _period(args: dict) -> str:
    period, error = report_period((args.get("period") or "").strip())
    if error:
        raise Invalid(details=[{"pointer": "/period", "in": "query", "message": error}])
    return period


def _unit(unit_id: int) -> Unit:
    unit = Unit.get_or_none(Unit.id == unit_id)
    if unit is None:
        raise NotFound(_("单位不存在"))
    return unit


# --------------------------------------------------------------------------- schemas

class UnitRefSchema(Schema):
    id = ma.fields.Integer(required=True)
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    leader_name = ma.fields.String(required=True, metadata={"description": "一把手"})
    leader_title = ma.fields.String(required=True)


class WarningSchema(Schema):
    level = ma.fields.String(required=True, metadata={"description": "red, yellow, green or none (no data)"})
    label = ma.fields.String(required=True)
    reasons = ma.fields.List(ma.fields.String(), required=True)


class FindingCountsSchema(Schema):
    registered = ma.fields.Integer(required=True, metadata={"description": "Found in the two years "
                                                                           "(drafts and dismissed ones left out)"})
    open = ma.fields.Integer(required=True, metadata={"description": "Not yet closed (销号)"})
    overdue = ma.fields.Integer(required=True, metadata={"description": "Rectification overdue"})
    by_state = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(), required=True)


class RateSchema(Schema):
    id = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    rate = ma.fields.Float(required=True, allow_none=True,
                           metadata={"description": "完成 ÷ counted, in %; null when no item counts"})
    done = ma.fields.Integer(required=True)
    counted = ma.fields.Integer(required=True, metadata={"description": "完成 + 部分完成 + 未完成"})


class FailedItemSchema(Schema):
    item_id = ma.fields.String(required=True)
    text = ma.fields.String(required=True)
    status = ma.fields.String(required=True, metadata={"description": "missing or partial"})
    category_id = ma.fields.String(required=True)


class PeriodFiguresSchema(Schema):
    period = ma.fields.String(required=True)
    label = ma.fields.String(required=True)
    source = ma.fields.String(required=True, metadata={"description": "run (a finished check run's results) "
                                                                      "or engine (computed now)"})
    run_id = ma.fields.Integer(required=True, allow_none=True)
    as_of = ma.fields.Date(required=True)
    rate = ma.fields.Float(required=True, allow_none=True)
    counts = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(), required=True,
                            metadata={"description": "Items by status"})
    lists = ma.fields.List(ma.fields.Nested(RateSchema), required=True)
    categories = ma.fields.List(ma.fields.Nested(RateSchema), required=True)
    failed_items = ma.fields.List(ma.fields.Nested(FailedItemSchema), required=True)


class PortraitSummarySchema(Schema):
    unit = ma.fields.Nested(UnitRefSchema, required=True)
    year = ma.fields.Integer(required=True)
    rate = ma.fields.Float(required=True, allow_none=True, metadata={"description": "The year's completion rate"})
    previous_rate = ma.fields.Float(required=True, allow_none=True, metadata={"description": "The year before's"})
    warning = ma.fields.Nested(WarningSchema, required=True)
    findings = ma.fields.Nested(FindingCountsSchema, required=True)
    talks = ma.fields.Integer(required=True, metadata={"description": "廉政谈话/约谈 decided on its findings"})


class PortraitListSchema(Schema):
    year = ma.fields.Integer(required=True)
    items = ma.fields.List(ma.fields.Nested(PortraitSummarySchema), required=True)


class ScoreSchema(Schema):
    session_id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    held_on = ma.fields.Date(required=True)
    name = ma.fields.String(required=True)
    post = ma.fields.String(required=True)
    score = ma.fields.Float(required=True, allow_none=True)
    grade = ma.fields.String(required=True, allow_none=True)
    rank = ma.fields.Integer(required=True, allow_none=True)
    of = ma.fields.Integer(required=True)


class PortraitSchema(PortraitSummarySchema):
    years = ma.fields.List(ma.fields.Nested(PeriodFiguresSchema), required=True,
                           metadata={"description": "The year before and the year, those with a counted item"})
    quarters = ma.fields.List(ma.fields.Nested(PeriodFiguresSchema), required=True,
                              metadata={"description": "Quarters of both years begun by today, oldest first"})
    radar = ma.fields.List(ma.fields.Nested(RateSchema), required=True,
                           metadata={"description": "The radar's categories with the year's rates"})
    scores = ma.fields.List(ma.fields.Nested(ScoreSchema), required=True,
                            metadata={"description": "Published review results (评责), oldest first"})


class ReportSchema(Schema):
    kind = ma.fields.String(required=True, metadata={"description": "unit or district"})
    unit_id = ma.fields.Integer(required=True, allow_none=True)
    period = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    sections = ma.fields.List(ma.fields.List(ma.fields.String()), required=True,
                              metadata={"description": "[heading, text] pairs, worded by the pack's template"})
    tables = ma.fields.List(ma.fields.Nested(TableSchema), required=True)
    values = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), required=True,
                            metadata={"description": "The figures filled into the wording"})


# --------------------------------------------------------------------------- as JSON

def _rate(cid: str, name: str, tally: pt.Tally | None) -> dict:
    tally = tally or pt.Tally()
    return {"id": cid, "name": name, "rate": tally.rate, "done": tally.done, "counted": tally.counted}


def _figures(f: pt.PeriodFigures, p: pt.Portrait) -> dict:
    return {"period": f.period, "label": engine.period_label(f.period, _), "source": f.source, "run_id": f.run_id,
            "as_of": f.as_of, "rate": f.overall.rate, "counts": dict(f.overall.counts),
            "lists": [_rate(i, p.lists.get(i, i), t) for i, t in f.lists.items()],
            "categories": [_rate(i, p.categories.get(i, i), t) for i, t in f.categories.items()],
            "failed_items": list(f.failed_items)}


def _summary(p: pt.Portrait) -> dict:
    previous = p.years.get(p.year - 1)
    return {"unit": {"id": p.unit.id, "code": p.unit.code, "name": p.unit.name,
                     "leader_name": p.unit.leader_name or "", "leader_title": p.unit.leader_title or ""},
            "year": p.year, "rate": p.current.overall.rate if p.current else None,
            "previous_rate": previous.overall.rate if previous else None,
            "warning": {"level": p.warning.level, "label": _(pt.WARNINGS[p.warning.level]),
                        "reasons": [_(msgid, **params) for msgid, params in p.warning.reasons]},
            "findings": {"registered": p.findings.registered, "open": p.findings.open,
                         "overdue": p.findings.overdue,
                         "by_state": {state: n for state, n in p.findings.by_state.items() if n}},
            "talks": p.talks}


def _report(report: reports.Report, unit_id: int | None) -> dict:
    return {"kind": "unit" if unit_id else "district", "unit_id": unit_id, "period": report.period,
            "title": report.title, "sections": [list(s) for s in report.sections], "tables": report.tables,
            "values": report.values}


# --------------------------------------------------------------------------- routes

@blp.route("/portraits")
@role_required(*STAFF)
@blp.etag
@blp.arguments(PortraitListArgs, location="query")
@blp.response(200, PortraitListSchema)
def list_portraits(args):
    """Each leader's completion of the year and the year before, findings and warning (the 动态画像 list)."""
    year = _year(args)
    if args.get("unit"):
        wanted = list(dict.fromkeys(args["unit"]))
        ids = [u.id for u in Unit.select(Unit.id).where(Unit.id.in_(wanted))]
        ids = [u for u in wanted if u in ids]
    else:
        ids = [u.id for u in Unit.select(Unit.id).where(Unit.active == True).order_by(Unit.code)]  # noqa: E712
    found = pt.portraits(ids, year, dt.date.today(), with_quarters=False) if ids else []
    return {"year": year, "items": [_summary(p) for p in found]}


@blp.route("/portraits/<int:unit_id>")
@role_required(*STAFF)
@blp.etag
@blp.arguments(YearArgs, location="query")
@blp.response(200, PortraitSchema)
def get_portrait(args, unit_id: int):
    """One leader's portrait: the two years and their quarters by list and category, findings, scores."""
    unit = _unit(unit_id)
    p = pt.portrait(unit.id, _year(args), dt.date.today())
    current = p.current
    return {**_summary(p), "years": [_figures(p.years[y], p) for y in sorted(p.years)],
            "quarters": [_figures(f, p) for f in p.quarters],
            "radar": [_rate(cid, name, current.categories.get(cid) if current else None) for cid, name in p.radar],
            "scores": [{key: s[key] for key in ScoreSchema._declared_fields} for s in p.scores]}


@blp.route("/reports/district")
@role_required(*STAFF)
@blp.etag
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, ReportSchema)
def get_district_report(args):
    """政治生态分析 for a period, worded by the pack's template (computed now; issued copies: /documents)."""
    period = _period(args)
    return _report(reports.district_report(period, dt.date.today(), label=engine.period_label(period)), None)


@blp.route("/reports/units/<int:unit_id>")
@role_required(*STAFF)
@blp.etag
@blp.arguments(PeriodArgs, location="query")
@blp.response(200, ReportSchema)
def get_unit_report(args, unit_id: int):
    """A unit's 廉情报告 for a period, worded by the pack's template (computed now)."""
    unit = _unit(unit_id)
    period = _period(args)
    return _report(reports.unit_report(unit, period, dt.date.today(), label=engine.period_label(period)), unit.id)
