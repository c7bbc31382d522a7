"""Issued documents (出具): a portrait or analysis report kept whole as it was handed out. No Flask.

Portraits and reports are computed from the day's data, so the same page
reads differently next month. When commission staff issue one (出具), the
filled document (title, sections, tables and the figures filled in) is stored
with the pack version whose wording it used; the stored copy is what the
documents list shows, prints and downloads as .docx, unchanged for good, and
what 成效统计 counts as "leaders portrayed" and "analysis reports produced"
(the article's 一把手画像 20 份、分析报告 32 份).

A portrait becomes a document through ``portrait_report``: the figures of the
portrait page written out in Chinese, the language of the record (like the
pack's report wording), whatever language the person issuing it reads.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json

from peewee import JOIN

from .. import audit
from ..accountability import states
from ..auth.models import User
from ..i18n import N_
from ..packs.store import PackVersion
from ..perform import status as engine
from ..units.models import Unit
from . import portraits as pt
from .models import IssuedDocument
from .reports import Report

KINDS = {"portrait": N_("一把手画像"), "unit-report": N_("廉情报告"), "district-report": N_("政治生态分析")}
#: The kinds 成效统计 counts as analysis reports.
REPORT_KINDS = ("unit-report", "district-report")
#: Filter values of the documents list: one kind, or every report kind.
KIND_FILTERS = {**{k: (k,) for k in KINDS}, "report": REPORT_KINDS}
MAX_NOTE_CHARS = 500


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:g}%"


def _reason(reason: tuple) -> str:
    msgid, params = reason
    return msgid % params


def portrait_report(p: pt.Portrait) -> Report:
    """A leader's portrait as a document: what the portrait page shows, in words and tables."""
    unit, year = p.unit, p.year
    leader = "".join(x for x in (unit.leader_title, unit.leader_name) if x) or "一把手"
    level = pt.WARNINGS[p.warning.level]
    reasons = "；".join(_reason(r) for r in p.warning.reasons)
    sections = [("基本情况", f"{unit.name}（{unit.code}）{leader}，{year}年度履责画像。"),
                ("预警", level + (f"：{reasons}。" if reasons else "。"))]
    years = []
    for y in sorted(p.years):
        f = p.years[y]
        years.append(f"{y}年完成率 {_percent(f.overall.rate)}（完成 {f.overall.done} 项，计入 {f.overall.counted} 项，"
                     f"截至 {f.as_of.isoformat()}）")
    sections.append(("履责完成情况", "；".join(years) + "。" if years else "暂无可计入的清单事项。"))
    current = p.current
    weakest = pt.weakest(current, p.categories)
    if weakest:
        sections.append(("薄弱环节", "、".join(f"{name}（{_percent(rate)}）" for name, rate in weakest) + "。"))
    f = p.findings
    sections.append(("问题与整改", f"{year - 1}—{year}年发现问题 {f.registered} 个，尚未销号 {f.open} 个，"
                                   f"整改逾期 {f.overdue} 个；廉政谈话/约谈 {p.talks} 次。"))
    scored = [s for s in p.scores if s.get("score") is not None]
    if scored:
        sections.append(("评责得分", "；".join(f"{s['title']} {s['score']:g} 分" for s in scored) + "。"))
    tables = []
    trend = [[engine.period_label(q.period), pt.SOURCES[q.source] + (f" #{q.run_id}" if q.run_id else ""),
              q.as_of.isoformat(), q.overall.done, q.overall.counted, _percent(q.overall.rate)] for q in p.quarters]
    tables.append({"caption": "各季度完成情况", "headers": ["期间", "来源", "截至", "完成", "计入", "完成率"],
                   "rows": trend})
    if current:
        rows = [[p.lists.get(lid, lid), t.done, t.counted, _percent(t.rate)] for lid, t in current.lists.items()]
        tables.append({"caption": f"{year}年各清单完成情况", "headers": ["清单", "完成", "计入", "完成率"], "rows": rows})
    if current:
        rows = [[p.categories.get(cid, cid), t.done, t.counted, _percent(t.rate)]
                for cid, t in current.categories.items()]
        tables.append({"caption": f"{year}年各类别完成情况", "headers": ["类别", "完成", "计入", "完成率"], "rows": rows})
    if f.rows:
        tables.append({"caption": "问题及整改", "headers": ["发现日期", "问题", "状态"],
                       "rows": [[r.found_on.isoformat(), r.title, states.STATES[r.status]] for r in f.rows]})
    values = {"unit": unit.name, "unit_code": unit.code, "leader": unit.leader_name or "—",
              "leader_post": unit.leader_title or "—", "year": str(year), "warning": level,
              "completion_rate": _percent(current.overall.rate if current else None),
              "findings": str(f.registered), "open_findings": str(f.open), "overdue_findings": str(f.overdue),
              "talks": str(p.talks)}
    return Report("portrait", str(year), f"{unit.name}一把手画像（{year}年）", sections, values, tables)


def content_of(report: Report) -> dict:
    """The stored form of a filled report (JSON: lists, strings and numbers only)."""
    return {"title": report.title, "sections": [list(s) for s in report.sections],
            "tables": [{"caption": t["caption"], "headers": [str(h) for h in t["headers"]],
                        "rows": [["" if v is None else v for v in row] for row in t["rows"]]} for t in report.tables],
            "values": dict(report.values)}


def _digest(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def report_of(document: IssuedDocument) -> Report:
    """The stored document as a ``Report`` again (for the page, print and .docx)."""
    c = document.content
    return Report(document.kind, document.period, c["title"], [tuple(s) for s in c["sections"]], c["values"],
                  c["tables"])


def intact(document: IssuedDocument) -> bool:
    """Whether the stored content still has the digest it was issued with."""
    return _digest(document.content) == document.sha256


def issue(kind: str, report: Report, *, unit: Unit | None, version: PackVersion | None, issued_by: int,
          note: str = "") -> IssuedDocument:
    """Store ``report`` as issued (audited). The caller checks the person may issue it."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    content = content_of(report)
    return audit.create(IssuedDocument, kind=kind, unit=unit, period=report.period, title=report.title[:300],
                          content=content, sha256=_digest(content), pack_version=version,
                          note=(note or "").strip()[:MAX_NOTE_CHARS], issued_by=issued_by)


def query(*, kind: str | None = None, units: list[int] | None = None, period: str | None = None,
          issued_from: dt.date | None = None, issued_to: dt.date | None = None):
    """Issued documents by the list's filters, newest first (the page, the export, the API and
    成效统计 count with this one query). ``kind`` is a kind or ``report`` (every report kind);
    with ``units`` the district's analyses (no unit) are left out. Days are whole UTC days, as the
    findings register's closing dates."""
    # Unit, issuer and pack version joined: the list and its export show all three on every row.
    q = (IssuedDocument.select(IssuedDocument, Unit, User, PackVersion)
         .join(Unit, JOIN.LEFT_OUTER).switch(IssuedDocument)
         .join(User).switch(IssuedDocument)
         .join(PackVersion, JOIN.LEFT_OUTER).switch(IssuedDocument))
    if kind:
        q = q.where(IssuedDocument.kind.in_(KIND_FILTERS.get(kind, (kind,))))
    if units:
        q = q.where(IssuedDocument.unit.in_(units))
    if period:
        q = q.where(IssuedDocument.period == period)
    if issued_from:
        q = q.where(IssuedDocument.issued_at >= dt.datetime.combine(issued_from, dt.time()))
    if issued_to:
        q = q.where(IssuedDocument.issued_at < dt.datetime.combine(issued_to + dt.timedelta(days=1), dt.time()))
    return q.order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc())
