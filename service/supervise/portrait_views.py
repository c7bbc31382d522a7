"""Portraits (动态画像) and analysis reports (廉情报告, 政治生态分析): pages, SVG charts, Word downloads.

Staff only (admins, inspectors): a portrait compares a leader with the others
and a report is the commission's own analysis, so a unit's users get 403,
their own unit's included (docs/supervise.md).
"""
from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pygal
from flask import Response, request, url_for
from flask_babel import gettext as _

from ..accountability import states as finding_states
from ..auth.access import role_required
from ..packs import periods
from ..perform import status as engine
from ..units.models import Unit
from ..web import charts
from ..web.errors import NotFound
from ..web.export import export, wanted_format
from ..web.ids import parse_id
from ..web.render import render
from ..web.words import period_label
from . import portraits as pt
from . import reports, word
from .views import STAFF, STAGE, bp

#: Units a comparison shows side by side at most (the radar stays readable).
COMPARE_MAX = 8
REPORT_KINDS = {"quarter": True, "half": True, "year": True}


def _today() -> dt.date:
    return dt.date.today()


def _year() -> tuple[int, str | None]:
    """The ``year`` argument (default this year) and an error message for a bad one."""
    today = _today()
    raw = (request.args.get("year") or "").strip()
    if not raw:
        return today.year, None
    if raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= today.year:
        return int(raw), None
    return today.year, _("年份须为 2000 到 %(year)s 之间的四位数字。", year=today.year)


def _unit(unit_id: int) -> Unit:
    unit = Unit.get_or_none(Unit.id == unit_id)
    if unit is None:
        raise NotFound(_("单位不存在"))
    return unit


def _msg(reason: tuple) -> str:
    msgid, params = reason
    return _(msgid, **params)


def _context(**extra) -> dict:
    return {"stage": STAGE, "warnings": pt.WARNINGS, "sources": pt.SOURCES, "finding_states": finding_states.STATES,
            "reason_text": _msg, "years": list(range(_today().year, _today().year - 5, -1)), **extra}


# --------------------------------------------------------------------------- portraits

@bp.get("/portraits")
@role_required(*STAFF)
def portraits_index():
    """Every active unit's leader with this year's completion, findings and warning; exportable."""
    year, error = _year()
    units = list(Unit.select().where(Unit.active == True).order_by(Unit.code))  # noqa: E712
    found = pt.portraits([u.id for u in units], year, _today(), with_quarters=False)
    fmt = wanted_format()
    if fmt:
        rows = [(p.unit.code, p.unit.name, p.unit.leader_name, p.unit.leader_title,
                 "" if not p.current or p.current.overall.rate is None else p.current.overall.rate,
                 p.findings.registered, p.findings.open, p.findings.overdue, _(pt.WARNINGS[p.warning.level]),
                 "；".join(_msg(r) for r in p.warning.reasons)) for p in found]
        return export(fmt, _("动态画像 %(year)s", year=year),
                      [_("单位编码"), _("单位"), _("一把手"), _("职务"), _("完成率（%）"), _("发现问题"),
                       _("尚未销号"), _("整改逾期"), _("预警"), _("预警原因")], rows)
    return render("supervise/portraits.html", status=422 if error else 200, portraits=found, year=year,
                  error=error, **_context())


@bp.get("/portraits/<int:unit_id>")
@role_required(*STAFF)
def portrait(unit_id: int):
    """One leader's portrait: warning, radar of categories, trend over quarters, findings, review scores."""
    unit = _unit(unit_id)
    year, error = _year()
    found = pt.portrait(unit.id, year, _today())
    fmt = wanted_format()
    if fmt:
        return export(fmt, f"portrait-{unit.code}-{year}", *_trend_table(found))
    return render("supervise/portrait.html", status=422 if error else 200, p=found, unit=unit, year=year,
                  error=error, radar_rows=_radar_rows([found]), trend=_trend_table(found), **_context())


def _radar_rows(found: list[pt.Portrait]) -> list[dict]:
    """Rows of the radar's table: each category with each portrait's rate for its year (and the year before)."""
    if not found:
        return []
    rows = []
    for cid, name in found[0].radar:
        rates = []
        for p in found:
            for y in sorted(p.years, reverse=True) if len(found) == 1 else [p.year]:
                tally = p.years[y].categories.get(cid) if y in p.years else None
                rates.append({"year": y, "tally": tally})
        rows.append({"id": cid, "name": name, "rates": rates})
    return rows


def _trend_table(p: pt.Portrait) -> tuple[list[str], list[list]]:
    """(headers, rows) of the trend: per quarter, the source, overall and each list's rate."""
    list_ids = list(p.lists)
    headers = [_("期间"), _("来源"), _("截至"), _("完成"), _("计入"), _("完成率（%）")] + \
        [p.lists[i] for i in list_ids]
    rows = []
    for f in p.quarters:
        rows.append([period_label(f.period), _(pt.SOURCES[f.source]) + (f" #{f.run_id}" if f.run_id else ""),
                     f.as_of.isoformat(), f.overall.done, f.overall.counted,
                     "" if f.overall.rate is None else f.overall.rate]
                    + ["" if i not in f.lists or f.lists[i].rate is None else f.lists[i].rate for i in list_ids])
    return headers, rows


def _percent_axis(chart) -> None:
    """0-100 % with six ticks (set after the series: pygal's radar fails on labels without a series)."""
    chart.range = (0, 100)
    if chart.raw_series:
        chart.y_labels = [0, 20, 40, 60, 80, 100]


@bp.get("/portraits/<int:unit_id>/radar.svg")
@role_required(*STAFF)
def portrait_radar(unit_id: int):
    """The radar of the leader's list's categories: completion rate of the year and the year before."""
    unit = _unit(unit_id)
    year, _error = _year()
    p = pt.portraits([unit.id], year, _today(), with_quarters=False)[0]
    chart = pygal.Radar(js=[], width=640, height=520, fill=False, dots_size=3, legend_at_bottom=True,
                        style=charts.style())
    chart.title = _("%(unit)s 各类别完成率（%%）", unit=unit.name)
    chart.x_labels = [name for _cid, name in p.radar]
    for y in sorted(p.years):
        chart.add(str(y), [_rate(p.years[y].categories.get(cid)) for cid, _name in p.radar])
    _percent_axis(chart)
    return charts.svg_response(chart)


def _rate(tally: pt.Tally | None):
    return tally.rate if tally is not None else None


@bp.get("/portraits/<int:unit_id>/trend.svg")
@role_required(*STAFF)
def portrait_trend(unit_id: int):
    """Trend lines over quarters: overall completion and each list's."""
    unit = _unit(unit_id)
    year, _error = _year()
    p = pt.portrait(unit.id, year, _today())
    chart = pygal.Line(js=[], width=640, height=400, legend_at_bottom=True, x_label_rotation=30,
                       allow_interruptions=True, style=charts.style())
    chart.title = _("%(unit)s 各季度完成率（%%）", unit=unit.name)
    chart.x_labels = [period_label(f.period) for f in p.quarters]
    chart.add(_("总体"), [f.overall.rate for f in p.quarters], stroke_style={"width": 4})
    for list_id, name in p.lists.items():
        values = [_rate(f.lists.get(list_id)) for f in p.quarters]
        if any(v is not None for v in values):
            chart.add(name, values)
    _percent_axis(chart)
    return charts.svg_response(chart)


def _compared() -> tuple[list[int], str | None]:
    ids = []
    for raw in request.args.getlist("unit"):
        value = parse_id(raw)
        if value and value not in ids:
            ids.append(value)
    if len(ids) > COMPARE_MAX:
        return ids[:COMPARE_MAX], _("最多同时比较 %(n)s 个单位，只显示前 %(n)s 个。", n=COMPARE_MAX)
    return ids, None


@bp.get("/portraits/compare")
@role_required(*STAFF)
def portraits_compare():
    """Units side by side: completion by category and list, findings, scores and warning."""
    year, error = _year()
    ids, too_many = _compared()
    found = pt.portraits(ids, year, _today(), with_quarters=False) if ids else []
    rows = _radar_rows(found)
    fmt = wanted_format()
    if fmt:
        headers = [_("类别")] + [f"{p.unit.code} {p.unit.name}" for p in found]
        table = [[r["name"]] + ["" if x["tally"] is None or x["tally"].rate is None else x["tally"].rate
                                for x in r["rates"]] for r in rows]
        table.append([_("总体")] + ["" if not p.current or p.current.overall.rate is None else p.current.overall.rate
                                    for p in found])
        return export(fmt, f"compare-{year}", headers, table)
    all_units = list(Unit.select().where(Unit.active == True).order_by(Unit.code))  # noqa: E712
    return render("supervise/portraits_compare.html", status=422 if error else 200, portraits=found, rows=rows,
                  year=year, error=error, too_many=too_many, all_units=all_units, chosen=ids,
                  chart_url=url_for("supervise.compare_radar", unit=ids, year=year) if found else None,
                  **_context())


@bp.get("/portraits/compare/radar.svg")
@role_required(*STAFF)
def compare_radar():
    """The compared units' category completion of the year on one radar."""
    year, _error = _year()
    ids, _too_many = _compared()
    found = pt.portraits(ids, year, _today(), with_quarters=False) if ids else []
    chart = pygal.Radar(js=[], width=640, height=560, fill=False, dots_size=3, legend_at_bottom=True,
                        style=charts.style())
    chart.title = _("各类别完成率（%%）%(year)s", year=year)
    radar = found[0].radar if found else []
    chart.x_labels = [name for _cid, name in radar]
    for p in found:
        current = p.current
        chart.add(p.unit.name, [_rate(current.categories.get(cid)) if current else None for cid, _n in radar])
    _percent_axis(chart)
    return charts.svg_response(chart)


# --------------------------------------------------------------------------- reports

def _period() -> tuple[str, str | None]:
    """The ``period`` argument (a quarter, half-year or year; default last year) and an error message."""
    return report_period((request.args.get("period") or "").strip()[:20])


def report_period(raw: str) -> tuple[str, str | None]:
    """A report's period from what was typed (default last year) and an error message."""
    today = _today()
    default = str(today.year - 1)
    if not raw:
        return default, None
    try:
        engine.check_period(raw)
        kind = periods.parse_period(raw)[0]
    except Exception:  # noqa: BLE001 - any malformed period is the same mistake for the user
        kind = None
    if kind not in REPORT_KINDS:
        return default, _("期间格式有误：季度如 2022Q2，半年如 2022H1，全年如 2022。")
    if dt.date.fromisoformat(periods.period_start(raw)) > today:
        return default, _("该期间尚未开始。")
    return raw, None


def _report_response(report: reports.Report, filename: str):
    if request.args.get("format") == "docx":
        # RFC 5987: the Chinese file name for browsers, an ASCII one for the rest.
        return Response(word.docx_bytes(report),
                        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        headers={"Content-Disposition": f"attachment; filename=\"{filename}.docx\"; "
                                                        f"filename*=UTF-8''{quote(report.title)}.docx"})
    return None


@bp.get("/reports")
@role_required(*STAFF)
def reports_index():
    """Choose a period; the district's analysis and each unit's report for it."""
    period, error = _period()
    units = list(Unit.select().where(Unit.active == True).order_by(Unit.code))  # noqa: E712
    return render("supervise/reports.html", status=422 if error else 200, period=period, error=error,
                  raw_period=request.args.get("period", period)[:20], units=units, **_context())


@bp.get("/reports/district")
@role_required(*STAFF)
def district_report():
    """政治生态分析 for a period: in the browser (printable on A4) or ``?format=docx``."""
    period, error = _period()
    report = reports.district_report(period, _today(), label=engine.period_label(period))
    return _report_response(report, f"district-{period}") or render(
        "supervise/report.html", status=422 if error else 200, report=report, error=error,
        docx_url=url_for("supervise.district_report", period=period, format="docx"), **_context())


@bp.get("/reports/units/<int:unit_id>")
@role_required(*STAFF)
def unit_report(unit_id: int):
    """A unit's 廉情报告 for a period: in the browser (printable on A4) or ``?format=docx``."""
    unit = _unit(unit_id)
    period, error = _period()
    report = reports.unit_report(unit, period, _today(), label=engine.period_label(period))
    return _report_response(report, f"report-{unit.code}-{period}") or render(
        "supervise/report.html", status=422 if error else 200, report=report, error=error, unit=unit,
        docx_url=url_for("supervise.unit_report", unit_id=unit.id, period=period, format="docx"), **_context())
