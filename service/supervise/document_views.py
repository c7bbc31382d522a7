"""Issued documents (出具的画像与分析报告): issue a portrait or report, list them, read one as issued.

Staff only, like the portraits and reports themselves. Issuing stores the
filled document (``supervise.documents``); the stored copy is shown, printed
and downloaded as it was issued, whatever the data says today.
"""
from __future__ import annotations

import datetime as dt

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accountability import register
from ..auth.access import role_required
from ..packs import periods
from ..perform import status as engine
from ..units.models import Unit
from ..web.errors import NotFound
from ..web.export import export, wanted_format
from ..web.ids import parse_id
from ..web.paging import paged
from ..web.render import render
from ..web.times import local_iso
from ..web.words import period_label
from . import documents
from . import portraits as pt
from . import reports
from .models import IssuedDocument
from .portrait_views import _context, _report_response, _today, _unit, report_period
from .views import STAFF, bp

DOCUMENT_HEADERS = ("编号", "类型", "标题", "单位编码", "单位", "期间", "出具人", "出具时间", "备注", "规则包版本")


def _note() -> str:
    return (request.form.get("note") or "").strip()[:documents.MAX_NOTE_CHARS]


def _issued(document: IssuedDocument):
    flash(_("已出具：%(title)s", title=document.title), "success")
    return redirect(url_for("supervise.show_document", document_id=document.id), code=303)


@bp.post("/portraits/<int:unit_id>/issue")
@role_required(*STAFF)
def issue_portrait(unit_id: int):
    """Issue the leader's portrait of a year as a document (出具画像)."""
    unit = _unit(unit_id)
    raw = (request.form.get("year") or "").strip()
    today = _today()
    if not (raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= today.year):
        flash(_("年份须为 2000 到 %(year)s 之间的四位数字。", year=today.year), "error")
        return redirect(url_for("supervise.portrait", unit_id=unit.id), code=303)
    year = int(raw)
    found = pt.portrait(unit.id, year, today)
    report = documents.portrait_report(found)
    document = documents.issue("portrait", report, unit=unit, version=pt.version_for(unit.id, year),
                               issued_by=current_user.id, note=_note())
    return _issued(document)


def _report_period(back: str, **back_args):
    period, error = report_period((request.form.get("period") or "").strip()[:20])
    if error:
        flash(error, "error")
        return None, redirect(url_for(back, **back_args), code=303)
    return period, None


@bp.post("/reports/units/<int:unit_id>/issue")
@role_required(*STAFF)
def issue_unit_report(unit_id: int):
    """Issue a unit's 廉情报告 for a period (出具报告)."""
    unit = _unit(unit_id)
    period, refused = _report_period("supervise.reports_index")
    if refused:
        return refused
    report = reports.unit_report(unit, period, _today(), label=engine.period_label(period))
    year = periods.parse_period(period)[1]
    document = documents.issue("unit-report", report, unit=unit, version=pt.version_for(unit.id, year),
                               issued_by=current_user.id, note=_note())
    return _issued(document)


@bp.post("/reports/district/issue")
@role_required(*STAFF)
def issue_district_report():
    """Issue the district's 政治生态分析 for a period (出具报告)."""
    period, refused = _report_period("supervise.reports_index")
    if refused:
        return refused
    report = reports.district_report(period, _today(), label=engine.period_label(period))
    year = periods.parse_period(period)[1]
    document = documents.issue("district-report", report, unit=None, version=pt.version_for(None, year),
                               issued_by=current_user.id, note=_note())
    return _issued(document)


def _day(name: str, errors: dict) -> dt.date | None:
    try:
        return register._date(request.args.get(name))  # the findings register's reading of a day
    except (ValueError, TypeError):
        errors[name] = _("日期格式不正确，应为 YYYY-MM-DD。")
        return None


def list_filters() -> tuple[dict, dict]:
    """The documents list's filters from the query string (the statistics page links with the same names)."""
    errors: dict = {}
    kind = (request.args.get("kind") or "").strip()
    if kind and kind not in documents.KIND_FILTERS:
        errors["kind"] = _("类型无效。")
        kind = ""
    units = sorted({u for u in (parse_id(v) for v in request.args.getlist("unit")) if u})
    filters = {"kind": kind or None, "units": units or None,
               "period": (request.args.get("period") or "").strip()[:10] or None,
               "issued_from": _day("issued_from", errors), "issued_to": _day("issued_to", errors)}
    return filters, errors


@bp.get("/documents")
@role_required(*STAFF)
def documents_index():
    """Every issued portrait and report, newest first, filtered; exportable."""
    filters, errors = list_filters()
    query = documents.query(**filters)
    fmt = wanted_format()
    if fmt:
        rows = [(d.id, _(documents.KINDS[d.kind]), d.title, d.unit.code if d.unit_id else "",
                 d.unit.name if d.unit_id else "", period_label(d.period), d.issued_by.display_name,
                 local_iso(d.issued_at), d.note, d.pack_version.label if d.pack_version_id else "")
                for d in query]
        return export(fmt, _("出具的画像与报告"), [_(h) for h in DOCUMENT_HEADERS], rows)
    page = paged(query)
    return render("supervise/documents.html", status=422 if errors else 200, page=page, filters=filters,
                  errors=errors, kinds=documents.KINDS, all_units=list(Unit.select().order_by(Unit.code)),
                  **_context())


@bp.get("/documents/<int:document_id>")
@role_required(*STAFF)
def show_document(document_id: int):
    """One issued document as it was issued: printable on A4, or ``?format=docx``."""
    document = IssuedDocument.get_or_none(IssuedDocument.id == document_id)
    if document is None:
        raise NotFound(_("文书不存在"))
    report = documents.report_of(document)
    code = document.unit.code if document.unit_id else "district"
    return _report_response(report, f"{document.kind}-{code}-{document.period}-{document.id}") or render(
        "supervise/document.html", document=document, report=report, intact=documents.intact(document),
        kinds=documents.KINDS, **_context())
