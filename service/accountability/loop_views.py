"""The leader's loop page (履责闭环): one unit's 一把手 over one year, 明责 to 问责, each stage linking
to its own pages. Staff see any unit; a unit's users their own (without the commission's issued
documents and run pages). Printable and exportable (one row per line of the page)."""
from __future__ import annotations

import datetime as dt

from flask import redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.access import require_unit_access
from ..perform import status as engine
from ..supervise import documents as issued
from ..supervise import portraits as pt
from ..supervise import runs as check_runs
from ..units.models import Unit
from ..web.errors import NotFound
from ..web.export import export, wanted_format
from ..web.ids import parse_id
from ..web.render import render
from . import loop as leader_loop_data
from . import states
from .models import CHANNELS, RESPONSIBILITIES, SEVERITIES
from .views import STAGE, bp

LOOP_STAGES = (("define", "明责"), ("perform", "履责"), ("supervise", "督责"), ("evaluate", "评责"), ("account", "问责"))


def _year() -> tuple[int, str | None]:
    today = dt.date.today()
    raw = (request.args.get("year") or "").strip()
    if not raw:
        return today.year, None
    if raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= today.year + 1:
        return int(raw), None
    return today.year, _("年份须为 2000 到 %(year)s 之间的四位数字。", year=today.year + 1)


@bp.get("/loop")
@login_required
def loop_index():
    """Choose a unit (staff) or go to one's own unit's loop."""
    year, error = _year()
    if not current_user.is_staff:
        if current_user.unit_id is None:
            raise NotFound(_("单位不存在"))
        return redirect(url_for("accountability.leader_loop", unit_id=current_user.unit_id, year=year))
    wanted = parse_id(request.args.get("unit"))
    if wanted and Unit.get_or_none(Unit.id == wanted):
        return redirect(url_for("accountability.leader_loop", unit_id=wanted, year=year))
    units = list(Unit.select().order_by(Unit.code))
    return render("accountability/loop_index.html", status=422 if error else 200, units=units, year=year,
                  error=error, stage=STAGE, years=list(range(dt.date.today().year, dt.date.today().year - 5, -1)))


def _export(loop) -> object:
    """The page as rows: stage, what, figure or text."""
    rows = []
    plan = loop.plan
    rows.append([_("明责"), _("年度清单"), _("已发布") if plan and plan.status == "published" else
                 (_("未发布") if plan else _("未生成"))])
    for list_id, n in loop.items_by_list.items():
        rows.append([_("明责"), loop.list_names.get(list_id, list_id), n])
    rows.append([_("履责"), _("履责记录"), loop.records])
    if loop.figures:
        rows.append([_("履责"), _("完成率（%）"), "" if loop.figures.overall.rate is None else loop.figures.overall.rate])
    for line in loop.runs:
        rows.append([_("督责"), f"#{line.run.id} {_(check_runs.kind_label(line.run.kind))} {engine.period_label(line.run.period, _)}",
                     _("完成 %(done)s，未完成或部分完成 %(failed)s", done=line.counts.get("done", 0), failed=line.failed)])
    for doc in loop.documents:
        rows.append([_("督责"), _(issued.KINDS[doc.kind]), doc.title])
    for s in loop.scores:
        rows.append([_("评责"), s["title"], "" if s["score"] is None else s["score"]])
    for f in loop.findings:
        rows.append([_("问责"), f.finding.title, _(states.STATES[f.finding.status])])
    return export(wanted_format(), _("履责闭环 %(unit)s %(year)s", unit=loop.unit.name, year=loop.year),
                  [_("环节"), _("项目"), _("情况")], rows)


@bp.get("/loop/<int:unit_id>")
@login_required
def leader_loop(unit_id: int):
    """One leader's year, 明责 → 履责 → 督责 → 评责 → 问责."""
    require_unit_access(unit_id)
    unit = Unit.get_or_none(Unit.id == unit_id)
    if unit is None:
        raise NotFound(_("单位不存在"))
    year, error = _year()
    loop = leader_loop_data.leader_loop(unit, year, dt.date.today(), staff=current_user.is_staff)
    if wanted_format():
        return _export(loop)
    return render("accountability/loop.html", status=422 if error else 200, cycle=loop, unit=unit, year=year,
                  error=error, stage=STAGE, loop_stages=LOOP_STAGES, states=states.STATES, channels=CHANNELS,
                  severities=SEVERITIES, responsibilities=RESPONSIBILITIES, kinds=issued.KINDS,
                  run_kinds=check_runs.KINDS, sources=pt.SOURCES, statuses=engine.STATUSES, is_staff=current_user.is_staff,
                  years=list(range(dt.date.today().year, dt.date.today().year - 5, -1)))
