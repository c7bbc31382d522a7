"""Analysis reports from the pack's templates: a unit's 廉情报告 and the district's
政治生态分析 for a period, with the statistics filled in. No Flask.

The wording is the pack's (``rules/reports.json``, edited by admins like any
pack file); the figures are ours, filled in by ``packs.report_templates.fill``
(whitelist substitution, never ``str.format`` on pack text).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..packs import periods
from ..packs.model import Pack
from ..packs.report_templates import fill, templates
from ..perform.models import Record
from ..units.models import Unit
from . import portraits as pt


@dataclass
class Report:
    """A filled report: title, sections (heading, text), the figures used and tables to print."""

    kind: str
    period: str
    title: str
    sections: list[tuple[str, str]]
    values: dict[str, str]
    tables: list[dict] = field(default_factory=list)   # {"caption", "headers", "rows"}


def _render(kind: str, template: dict, values: dict[str, str]) -> tuple[str, list[tuple[str, str]]]:
    sections = []
    for section in template.get("sections") or []:
        if isinstance(section, dict):
            sections.append((fill(section.get("heading", ""), values), fill(section.get("text", ""), values)))
    return fill(template.get("title", ""), values), sections


def with_template(report: Report, template: dict) -> Report:
    """The same report (same figures, same tables) worded by another template: the pack
    editor's preview of wording not yet saved."""
    title, sections = _render(report.kind, template, report.values)
    return Report(report.kind, report.period, title, sections, report.values, report.tables)


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:g}%"


def period_bounds(period: str, today: dt.date) -> tuple[dt.date, dt.date]:
    start = dt.date.fromisoformat(periods.period_start(period))
    end = dt.date.fromisoformat(periods.period_end(period))
    return start, min(end, today)


def _talk_records(unit_ids: list[int], start: dt.date, end: dt.date) -> dict[int, int]:
    out = dict.fromkeys(unit_ids, 0)
    query = (Record.select(Record.unit).where(Record.unit.in_(unit_ids) & (Record.form_id == "talk")
                                              & Record.deleted_at.is_null() & (Record.record_date >= start)
                                              & (Record.record_date <= end)).tuples())
    for (unit_id,) in query:
        out[unit_id] += 1
    return out


def _weakest_text(pairs: list[tuple[str, float]]) -> str:
    return "、".join(f"{name}（{_percent(rate)}）" for name, rate in pairs) or "无"


def unit_report(unit: Unit, period: str, today: dt.date, *, label: str) -> Report:
    """A unit's 廉情报告 for ``period`` (``label``: the period as people read it)."""
    year = periods.parse_period(period)[1]
    pack = pt.pack_for(unit.id, year)
    settings = pt.Settings.of(pack)
    figures = pt.period_figures([unit.id], period, today).get(unit.id)
    start, end = period_bounds(period, today)
    findings = pt.findings_of([unit.id], today, start, end)[unit.id]
    talks = pt.talks_of([unit.id], start, end)[unit.id]
    names = pt.category_names(pack)
    rate = figures.overall.rate if figures else None
    level = pt.warning(rate, findings, settings)
    scores = [s for s in pt.leader_scores(unit.id, published_only=True) if s["score"] is not None]
    failed = figures.failed_items if figures else []
    values = {
        "unit": unit.name, "unit_code": unit.code, "leader": unit.leader_name or "—",
        "leader_post": unit.leader_title or "—", "district": _district(pack), "period": label,
        "as_of": figures.as_of.isoformat() if figures else "—", "date": today.isoformat(),
        "completion_rate": _percent(rate), "done_items": str(figures.overall.done if figures else 0),
        "counted_items": str(figures.overall.counted if figures else 0),
        "failed_items": str(len(failed)),
        "failed_list": "；".join(i["text"] for i in failed[:5]) + ("等" if len(failed) > 5 else "") or "无",
        "weakest_categories": _weakest_text(pt.weakest(figures, names)),
        "findings": str(findings.registered), "open_findings": str(findings.open),
        "overdue_findings": str(findings.overdue), "closed_findings": str(findings.by_state.get("closed", 0)),
        "talks": str(talks), "talk_records": str(_talk_records([unit.id], start, end)[unit.id]),
        "review_score": f"{scores[-1]['score']:g}" if scores else "—",
        "warning": {"red": "红色预警", "yellow": "黄色预警", "green": "正常", "none": "暂无数据"}[level.level],
    }
    title, sections = _render("unit", templates(pack)["unit"], values)
    rows = []
    if figures:
        order = {cid: n for n, cid in enumerate(names)}
        for cid, tally in sorted(figures.categories.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])):
            rows.append([names.get(cid, cid), tally.done, tally.counted, _percent(tally.rate)])
    tables = [{"caption": "各类别完成情况", "headers": ["类别", "完成", "计入", "完成率"], "rows": rows}]
    return Report("unit", period, title, sections, values, tables)


def _district(pack: Pack | None) -> str:
    return (pack.manifest.district if pack else "") or "本区"


def district_report(period: str, today: dt.date, *, label: str) -> Report:
    """The district's 政治生态分析 for ``period`` over every active unit."""
    year = periods.parse_period(period)[1]
    units = list(Unit.select().where(Unit.active == True).order_by(Unit.code))  # noqa: E712
    ids = [u.id for u in units]
    pack = pt.pack_for(None, year)
    settings = pt.Settings.of(pack)
    names = pt.category_names(pack)
    figures = pt.period_figures(ids, period, today)
    start, end = period_bounds(period, today)
    findings = pt.findings_of(ids, today, start, end)
    talks = pt.talks_of(ids, start, end)
    talk_records = _talk_records(ids, start, end)
    whole = pt.PeriodFigures(period, "run", None, today)
    for f in figures.values():
        for cid, tally in f.categories.items():
            for state, n in tally.counts.items():
                whole.categories.setdefault(cid, pt.Tally()).add(state, n)
                whole.overall.add(state, n)
    levels, rows = {"red": 0, "yellow": 0, "green": 0, "none": 0}, []
    for unit in units:
        f = figures.get(unit.id)
        rate = f.overall.rate if f else None
        level = pt.warning(rate, findings[unit.id], settings).level
        levels[level] += 1
        rows.append([unit.code, unit.name, unit.leader_name, _percent(rate), findings[unit.id].registered,
                     findings[unit.id].overdue, {"red": "红", "yellow": "黄", "green": "正常", "none": "—"}[level]])
    rated = sorted((f.overall.rate, u.name) for u in units if (f := figures.get(u.id)) and f.overall.rate is not None)
    values = {
        "district": _district(pack), "period": label, "as_of": min(today, end + dt.timedelta(days=1)).isoformat(),
        "date": today.isoformat(), "units": str(len(units)), "completion_rate": _percent(whole.overall.rate),
        "weakest_categories": _weakest_text(pt.weakest(whole, names)),
        "weakest_units": "、".join(f"{name}（{_percent(rate)}）" for rate, name in rated[:5] if rate < 100) or "无",
        "red_units": str(levels["red"]), "yellow_units": str(levels["yellow"]),
        "findings": str(sum(s.registered for s in findings.values())),
        "open_findings": str(sum(s.open for s in findings.values())),
        "overdue_findings": str(sum(s.overdue for s in findings.values())),
        "closed_findings": str(sum(s.by_state.get("closed", 0) for s in findings.values())),
        "talks": str(sum(talks.values())), "talk_records": str(sum(talk_records.values())),
    }
    title, sections = _render("district", templates(pack)["district"], values)
    tables = [{"caption": "各单位情况", "headers": ["编码", "单位", "一把手", "完成率", "发现问题", "整改逾期", "预警"],
               "rows": rows}]
    return Report("district", period, title, sections, values, tables)
