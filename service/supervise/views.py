"""The 督责 stage's pages: start a check run, follow it, read its results by unit, compare runs."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from peewee import fn

from ..auth.access import role_required
from ..i18n import N_
from ..perform import status as engine
from ..units.models import Unit
from ..web.errors import NotFound
from ..web.export import export, wanted_format
from ..web.ids import parse_id
from ..web.paging import paged
from ..web.render import is_htmx, render
from ..accountability.models import Finding
from ..perform import calendar as perform_calendar
from . import drafts, reminders, runs
from .models import CheckResult, CheckRun

bp = Blueprint("supervise", __name__, url_prefix="/supervise")
# Quarterly runs' notices to units go with the 履责 reminders (page, bell, read marks).
perform_calendar.register_source("supervise.quarterly", reminders.notices_for)

STAGE = {"key": "supervise", "title": N_("督责"), "summary": N_("季度一提醒、半年一梳理、年底一检查")}
STAFF = ("admin", "inspector")
#: Drafted findings listed on a run's page (the rest on its findings page).
DRAFTS_ON_RUN_PAGE = 10
STATE_LABELS = {"queued": N_("排队中"), "running": N_("检查中"), "done": N_("已完成"), "failed": N_("失败")}
SOURCE_LABELS = {"manual": N_("页面"), "api": N_("接口"), "cli": N_("命令行"), "schedule": N_("按日历自动")}
RESULT_HEADERS = (N_("单位编码"), N_("单位"), N_("清单"), N_("类别"), N_("事项编号"), N_("事项"), N_("状态"),
                  N_("颜色"), N_("次数"), N_("目标"), N_("截止日期"), N_("说明"), N_("规则包版本"), N_("规则 sha256"),
                  N_("结果编号"))


def _run(run_id: int) -> CheckRun:
    run = CheckRun.get_or_none(CheckRun.id == run_id)
    if run is None:
        raise NotFound(_("检查不存在"))
    return run


def _context() -> dict:
    return {"stage": STAGE, "kinds": runs.KINDS, "states": STATE_LABELS, "sources": SOURCE_LABELS,
            "statuses": engine.STATUSES, "colours": engine.COLOURS}



@bp.get("/")
@login_required
def index():
    """Staff: the check runs, newest first (exportable); others: the stage's page."""
    if current_user.role not in STAFF:
        return render("stages/index.html", stage=STAGE)
    query = CheckRun.select().order_by(CheckRun.id.desc())
    fmt = wanted_format()
    if fmt:
        rows = [(r.id, _(runs.kind_label(r.kind)), r.period, r.as_of.isoformat(), len(r.unit_ids),
                 _(STATE_LABELS[r.state]), r.job.done, r.job.total, _(SOURCE_LABELS.get(r.source, r.source)),
                 r.created_at.strftime("%Y-%m-%d %H:%M")) for r in query]
        return export(fmt, _("督责检查"), [_("编号"), _("类型"), _("期间"), _("截至"), _("单位数"), _("状态"),
                                       _("已检查"), _("共"), _("发起方式"), _("发起时间")], rows)
    return render("supervise/index.html", page=paged(query, 30), **_context())


def _form_defaults() -> dict:
    today = dt.date.today()
    return {"kind": "quarterly", "period": f"{today.year}Q{(today.month - 1) // 3 + 1}", "as_of": "", "units": ""}


@bp.get("/runs/new")
@role_required(*STAFF)
def new_run():
    """The form that starts a run."""
    return render("supervise/new.html", values=_form_defaults(), errors={}, **_context())


@bp.post("/runs")
@role_required(*STAFF)
def start_run():
    """Start a run from the form; its page follows the progress."""
    values = {key: (request.form.get(key) or "").strip()[:20000] for key in ("kind", "period", "as_of", "units")}
    errors = {}
    as_of = None
    if values["as_of"]:
        try:
            as_of = dt.date.fromisoformat(values["as_of"])
        except ValueError:
            errors["as_of"] = _("日期格式不正确，应为 YYYY-MM-DD。")
    codes = [c for c in values["units"].replace("，", ",").replace("、", ",").replace("\n", ",").split(",") if c.strip()]
    if not errors:
        try:
            run = runs.create_run(values["period"], values["kind"], as_of, units=codes, created_by=current_user.id,
                                  source="manual")
        except runs.RunError as exc:
            errors[exc.field] = exc.message
        else:
            return redirect(url_for("supervise.show_run", run_id=run.id), code=303)
    return render("supervise/new.html", values=values, errors=errors, status=422, **_context())


def _unit_table(run: CheckRun) -> list[dict]:
    """Per unit of a finished run: counts by status and colour."""
    counts: dict[int, dict] = {}
    query = (CheckResult.select(CheckResult.unit, CheckResult.status, CheckResult.colour, fn.COUNT(CheckResult.id))
             .where(CheckResult.run == run.id).group_by(CheckResult.unit, CheckResult.status, CheckResult.colour)
             .tuples())
    for unit_id, state, colour, n in query:
        row = counts.setdefault(unit_id, {"statuses": dict.fromkeys(engine.STATUSES, 0), "red": 0, "yellow": 0,
                                          "total": 0})
        row["statuses"][state] += n
        row["total"] += n
        if colour in ("red", "yellow"):
            row[colour] += n
    units = {u.id: u for u in Unit.select().where(Unit.id.in_(run.unit_ids))}
    table = []
    for unit_id in run.unit_ids:
        unit = units.get(unit_id)
        if unit is None:
            continue
        row = counts.get(unit_id)
        table.append({"unit": unit, "counts": row})
    table.sort(key=lambda r: (-(r["counts"] or {}).get("red", 0), r["unit"].code))
    return table


def _result_rows(query):
    for r in query:
        yield (r.unit.code, r.unit.name, r.list_id, r.category_id, r.item_id, r.text, _(engine.STATUSES[r.status]),
               _(engine.COLOURS[r.colour]) if r.colour else "", r.count, r.target, r.due.isoformat() if r.due else "",
               r.explanation, r.pack_version_id, r.rule_sha256, r.id)


@bp.get("/runs/<int:run_id>")
@role_required(*STAFF)
def show_run(run_id: int):
    """A run: its progress while it runs (polled), then its results by unit; ``?export=xlsx`` all results."""
    run = _run(run_id)
    fmt = wanted_format()
    if fmt:
        query = runs.results(run) if run.state == "done" else None
        if query is None:
            from ..web.errors import AppError
            raise AppError(_("检查尚未完成，结果不完整，暂不能导出。"), status=409)
        return export(fmt, f"{run.period}-{run.id}", [_(h) for h in RESULT_HEADERS], _result_rows(query))
    if is_htmx() and request.args.get("part") == "progress":
        response = render("supervise/run.html", block="progress", run=run, **_context())
        if run.state == "done":
            response.headers["HX-Refresh"] = "true"  # the whole page, now with the results
        return response
    others = (CheckRun.select().where((CheckRun.id != run.id) & (CheckRun.period == run.period))
              .order_by(CheckRun.id.desc()).limit(50))
    table = _unit_table(run) if run.state == "done" else []
    pending = []
    extra = {}
    if run.state == "done" and drafts.drafts_findings(run):
        pending = list(drafts.drafted(run).where(Finding.status == "draft").limit(DRAFTS_ON_RUN_PAGE))
        extra = dict(_drafts_context(run), results=_results_of(pending))
    return render("supervise/run.html", run=run, table=table, others=[o for o in others if o.state == "done"],
                  pending=pending, errors={}, **extra, **_context())


@bp.get("/runs/<int:run_id>/units/<int:unit_id>")
@role_required(*STAFF)
def run_unit(run_id: int, unit_id: int):
    """One unit's results in a finished run: each item with its colour and the engine's explanation."""
    run = _run(run_id)
    unit = Unit.get_or_none(Unit.id == unit_id)
    if unit is None or unit_id not in run.unit_ids:
        raise NotFound(_("本次检查不包括此单位"))
    if run.state != "done":
        return redirect(url_for("supervise.show_run", run_id=run.id))
    wanted = request.args.get("status")
    query = runs.results(run, unit_id=unit_id, status_in=[wanted] if wanted in engine.STATUSES else None)
    fmt = wanted_format()
    if fmt:
        return export(fmt, f"{run.period}-{unit.code}", [_(h) for h in RESULT_HEADERS], _result_rows(query))
    return render("supervise/unit.html", run=run, unit=unit, results=list(query), wanted=wanted, **_context())


@bp.get("/runs/<int:run_id>/compare")
@role_required(*STAFF)
def compare(run_id: int):
    """The items that changed from this run to another (``?other=ID``), with the reasons."""
    run = _run(run_id)
    other_id = parse_id(request.args.get("other"))
    other = CheckRun.get_or_none(CheckRun.id == other_id) if other_id else None
    if other is None:
        raise NotFound(_("请选择要比较的另一次检查"))
    if run.state != "done" or other.state != "done":
        return redirect(url_for("supervise.show_run", run_id=run.id))
    first, second = (run, other) if run.id < other.id else (other, run)
    changes = runs.compare(first, second)
    fmt = wanted_format()
    if fmt:
        rows = [(c.unit_code, c.unit_name, c.item_id, c.text,
                 _(engine.STATUSES[c.before["status"]]) if c.before else "",
                 _(engine.STATUSES[c.after["status"]]) if c.after else "", "；".join(c.reasons)) for c in changes]
        return export(fmt, f"compare-{first.id}-{second.id}", [_("单位编码"), _("单位"), _("事项编号"), _("事项"),
                                                               _("前一次"), _("后一次"), _("原因")], rows)
    return render("supervise/compare.html", run=run, first=first, second=second, changes=changes, **_context())


# --------------------------------------------------------------------------- drafted findings

#: The moves an inspector makes on a drafted finding from the run's pages (the register's own).
DRAFT_MOVES = ("confirm", "dismiss")
FINDING_HEADERS = (N_("问题编号"), N_("单位编码"), N_("单位"), N_("责任领导"), N_("问题概述"), N_("问题描述"), N_("状态"),
                   N_("事项编号"), N_("结果编号"), N_("发现日期"))


def _drafts_context(run: CheckRun) -> dict:
    from ..accountability import states as finding_states
    counts = dict.fromkeys(finding_states.STATES, 0)
    for state, n in (drafts.drafted(run).select(Finding.status, fn.COUNT(Finding.id))
                     .group_by(Finding.status).order_by().tuples()):
        counts[state] = n
    return {"finding_states": finding_states.STATES, "draft_counts": counts,
            "drafted_total": sum(counts.values())}


def _results_of(findings) -> dict[int, CheckResult]:
    ids = [f.source_id for f in findings if f.source_id]
    return {r.id: r for r in CheckResult.select().where(CheckResult.id.in_(ids))} if ids else {}


def _run_finding(run: CheckRun, finding_id: int) -> Finding:
    finding = drafts.drafted(run).where(Finding.id == finding_id).first()
    if finding is None:
        raise NotFound(_("本次检查没有起草这个问题"))
    return finding


@bp.get("/runs/<int:run_id>/findings")
@role_required(*STAFF)
def run_findings(run_id: int):
    """The findings a finished run drafted (``?status=draft`` those still to confirm; default all), to
    confirm or dismiss one by one; exportable."""
    run = _run(run_id)
    if run.state != "done":
        return redirect(url_for("supervise.show_run", run_id=run.id))
    wanted = request.args.get("status") if request.args.get("status") in ("draft", "confirmed", "dismissed") else None
    query = drafts.drafted(run)
    if wanted == "confirmed":
        query = query.where(Finding.status.not_in(("draft", "dismissed")))
    elif wanted:
        query = query.where(Finding.status == wanted)
    fmt = wanted_format()
    if fmt:
        from ..accountability import states as finding_states
        results = _results_of(query)
        rows = ((f.id, f.unit.code, f.unit.name, f.leader, f.title, f.description,
                 _(finding_states.STATES[f.status]), getattr(results.get(f.source_id), "item_id", ""), f.source_id,
                 f.found_on.isoformat()) for f in query)
        return export(fmt, f"drafts-{run.period}-{run.id}", [_(h) for h in FINDING_HEADERS], rows)
    page = paged(query, 30)
    return render("supervise/findings.html", run=run, page=page, results=_results_of(page["rows"]), wanted=wanted,
                  errors={}, **_drafts_context(run), **_context())


@bp.post("/runs/<int:run_id>/findings/<int:finding_id>/<name>")
@role_required(*STAFF)
def draft_move(run_id: int, finding_id: int, name: str):
    """Confirm (确认问题) or dismiss (不予立项, with a reason) a drafted finding from the run's pages;
    htmx gets the finding's item back, refusals next to the field (422)."""
    from ..accountability import states as finding_states
    run = _run(run_id)
    if name not in DRAFT_MOVES:
        raise NotFound(_("没有这个操作"))
    finding = _run_finding(run, finding_id)
    error = None
    try:
        finding_states.move(finding, name, current_user._get_current_object(),
                            reason=request.form.get("reason", "")[:4000])
    except finding_states.FindingError as exc:
        error = (exc.field or "move", exc.text(_))
    finding = _run_finding(run, finding_id)
    if is_htmx():
        return render("supervise/_draft.html", block="draft", f=finding, result=drafts.result_of(finding), run=run,
                      error=error, oob=True, status=422 if error else 200, **_drafts_context(run), **_context())
    if error:
        page = paged(drafts.drafted(run), 30)
        return render("supervise/findings.html", run=run, page=page, results=_results_of(page["rows"]), wanted=None,
                      errors={finding.id: error}, status=422, **_drafts_context(run), **_context())
    return redirect(url_for("supervise.run_findings", run_id=run.id, status="draft") + "#drafts", code=303)


from . import portrait_views  # noqa: E402,F401  (portraits and reports: routes on this blueprint)
from . import document_views  # noqa: E402,F401  (issued portraits and reports)
