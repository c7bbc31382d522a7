"""问责 pages: the findings register (filter, export), registering and editing a
finding, one finding's page with its moves, timeline, dispositions and 一案双查
entries, and sending 评责 feedback to the register.

Views read input and call ``register``/``states``/``cases``; they never set a
finding's state themselves.
"""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.access import role_required
from ..db import database
from ..i18n import N_
from ..packs.store import PackVersion
from ..perform import records
from ..perform.views import quota_message
from ..units.models import Unit
from ..web.errors import AppError, NotFound
from ..web.export import export, wanted_format
from ..web.ids import parse_id
from ..web.paging import paged
from ..web.render import render
from ..web.times import local_iso
from . import register, states
from .models import CHANNELS, SEVERITIES, SOURCE_KINDS, Finding, FindingEvent

bp = Blueprint("accountability", __name__, url_prefix="/accountability", static_folder="static")

STAGE = {"key": "accountability", "title": N_("问责"), "summary": N_("问题线索跟踪整改，验收后销号")}
STAFF = ("admin", "inspector")
URGENCIES = {"red": N_("已逾期（红）"), "yellow": N_("临近期限（黄）")}
MAX_FILES = 10


def _user():
    return current_user._get_current_object()


def _locale() -> str:
    from flask_babel import get_locale
    return "en" if str(get_locale()) == "en" else "zh-CN"


def _finding(finding_id: int) -> Finding:
    """The finding, if the current user may see it (a unit: its own, once confirmed)."""
    finding = register.visible(_user()).where(Finding.id == finding_id).first()
    if finding is None:
        raise NotFound(_("问题不存在"))
    return finding


def _day(name: str) -> dt.date | None:
    try:
        return register._date(request.args.get(name))
    except (ValueError, TypeError):
        return None


def _filters() -> dict:
    """The register's filters from the query string (unknown values are ignored)."""
    args = request.args
    status = args.get("status", "")
    units = [u for u in (parse_id(v) for v in args.getlist("unit")) if u] if current_user.is_staff else []
    return {
        "unit": units[0] if len(units) == 1 else None,
        "units": units if len(units) > 1 else None,
        "status": status if status in states.STATES or status in ("open", "registered") else None,
        "channel": args.get("channel") if args.get("channel") in CHANNELS else None,
        "severity": args.get("severity") if args.get("severity") in SEVERITIES else None,
        "urgency": args.get("urgency") if args.get("urgency") in URGENCIES else None,
        "q": " ".join((args.get("q") or "").split())[:100] or None,
        "found_from": _day("from"), "found_to": _day("to"),
        "closed_from": _day("closed_from"), "closed_to": _day("closed_to"),
    }


def _names(finding: Finding) -> tuple[str, str]:
    lists, categories = register.pack_lists(finding.pack_version) if finding.pack_version_id else ({}, {})
    list_name = lists.get(finding.list_id, finding.list_id)
    category = categories.get(finding.category_id)
    return list_name, (category[1] if category else finding.category_id)


def export_rows(findings) -> tuple[list[str], object]:
    """Headers and rows of a findings export (pages and statistics lists alike)."""
    headers = ["#", _("单位"), _("责任领导"), _("问题概述"), _("问题描述"), _("来源渠道"), _("来源"), _("来源文号"),
               _("责任清单"), _("类别"), _("严重程度"), _("发现日期"), _("整改期限"), _("状态"), _("预警"),
               _("整改措施"), _("整改完成情况"), _("销号时间")]

    def rows():
        today = dt.date.today()
        for f in findings:
            list_name, category_name = _names(f)
            colour = states.urgency(f, today)
            yield [f.id, f.unit.name, f.leader, f.title, f.description, _(CHANNELS.get(f.channel, f.channel)),
                   _(SOURCE_KINDS.get(f.source_kind, f.source_kind)), f.source_ref, list_name, category_name,
                   _(SEVERITIES.get(f.severity, f.severity)), f.found_on, f.deadline() or "",
                   _(states.STATES.get(f.status, f.status)), _(URGENCIES[colour]) if colour else "",
                   f.plan_measures, f.evidence_text,
                   local_iso(f.closed_at)]
    return headers, rows()


# --------------------------------------------------------------------------- the register

@bp.get("/")
@login_required
def index():
    """The findings register: staff see every unit's, a unit its own; filters, pages, export."""
    filters = _filters()
    query = register.filtered(register.visible(_user()), **filters).order_by(Finding.found_on.desc(),
                                                                           Finding.id.desc())
    fmt = wanted_format()
    if fmt:
        headers, rows = export_rows(query)
        return export(fmt, _("问题台账"), headers, rows)
    listing = paged(query)
    units = list(Unit.select().order_by(Unit.code)) if current_user.is_staff else []
    return render("accountability/index.html", block="results", findings=listing.pop("rows"), **listing,
                  filters=filters, raw=request.args, units=units, statuses=states.STATES, channels=CHANNELS,
                  severities=SEVERITIES, urgencies=URGENCIES, urgency=states.urgency, today=dt.date.today(),
                  stage=STAGE)


def _form_context(version: PackVersion | None) -> dict:
    lists, categories = register.pack_lists(version)
    return {"units": list(Unit.select().where(Unit.active == True).order_by(Unit.code)),  # noqa: E712
            "channels": CHANNELS, "severities": SEVERITIES, "lists": lists, "categories": categories}


def _store_uploads(unit: Unit, name: str = "files") -> tuple[list[dict], str | None]:
    """Store the uploaded files of field ``name`` for ``unit``; (references, error message)."""
    refs: list[dict] = []
    uploads = [s for s in request.files.getlist(name) if s and s.filename]
    if len(uploads) > MAX_FILES:
        return [], _("一次最多上传 %(n)s 个文件。", n=MAX_FILES)
    for storage in uploads:
        try:
            stored = records.store_upload(unit=unit, user=_user(), filename=storage.filename,
                                          content_type=storage.mimetype, stream=storage.stream, field_schema=None,
                                          upload_folder=current_app.config["UPLOAD_FOLDER"], locale=_locale(),
                                          quota_bytes=current_app.config["UPLOAD_QUOTA_BYTES"])
        except records.QuotaExceeded as exc:
            return refs, quota_message(exc)
        except records.UploadError as exc:
            return refs, str(exc)
        refs.append(stored.reference())
    return refs, None


def _translated(errors: dict) -> dict:
    return {name: _(msgid, **values) for name, (msgid, values) in errors.items()}


@bp.route("/findings/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new():
    """Register a finding by hand (草稿); errors are shown next to their fields."""
    version = PackVersion.current()
    form = request.form if request.method == "POST" else {
        "found_on": dt.date.today().isoformat(), "unit": request.args.get("unit", ""), "severity": "minor"}
    errors: dict = {}
    if request.method == "POST":
        try:
            values = register.clean(request.form, version=version)
        except register.FieldErrors as exc:
            errors = _translated(exc.errors)
        else:
            files, problem = _store_uploads(values["unit"])
            if problem:
                errors["files"] = problem
            else:
                finding = register.create({**values, "files": files}, _user(), version=version)
                flash(_("已登记问题：%(title)s", title=finding.title), "success")
                return redirect(url_for("accountability.finding", finding_id=finding.id))
    return render("accountability/form.html", status=422 if errors else 200, form=form, errors=errors,
                  finding=None, **_form_context(version))


@bp.route("/findings/<int:finding_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit(finding_id: int):
    """Change a finding's facts (not once closed: reopen it first)."""
    finding = _finding(finding_id)
    version = finding.pack_version if finding.pack_version_id else PackVersion.current()
    if finding.status in states.FINAL_STATES:
        raise AppError(_("已销号或不予立项的问题不能修改，请先重新打开。"), status=409, code="conflict")
    errors: dict = {}
    form = request.form if request.method == "POST" else {
        **{k: getattr(finding, k) or "" for k in ("title", "description", "leader", "leader_post", "channel",
                                                  "source_ref", "list_id", "category_id", "severity",
                                                  "found_on", "due_on")}, "unit": finding.unit_id}
    if request.method == "POST":
        try:
            values = register.clean(request.form, version=version)
        except register.FieldErrors as exc:
            errors = _translated(exc.errors)
        else:
            files, problem = _store_uploads(finding.unit if finding.status != "draft" else values["unit"])
            if problem:
                errors["files"] = problem
            else:
                if files:
                    values["files"] = list(finding.files or []) + files
                try:
                    states.edit(finding, _user(), **values)
                except states.FindingError as exc:
                    errors[exc.field or "form"] = exc.text(_)
                else:
                    flash(_("已保存。"), "success")
                    return redirect(url_for("accountability.finding", finding_id=finding.id))
    return render("accountability/form.html", status=422 if errors else 200, form=form, errors=errors,
                  finding=finding, **_form_context(version))


def _finding_page(finding: Finding, *, errors: dict | None = None, form=None, open_move: str = "",
                  status: int = 200):
    from . import cases
    list_name, category_name = _names(finding)
    events = list(FindingEvent.select().where(FindingEvent.finding == finding).order_by(FindingEvent.at,
                                                                                       FindingEvent.id))
    return render("accountability/finding.html", status=status, finding=finding, list_name=list_name,
                  category_name=category_name, events=events, moves=states.moves_for(finding, _user()),
                  all_moves=states.MOVES, statuses=states.STATES, channels=CHANNELS, severities=SEVERITIES,
                  source_kinds=SOURCE_KINDS, source=register.source_object(finding),
                  colour=states.urgency(finding), urgencies=URGENCIES, errors=errors or {}, form=form or {},
                  open_move=open_move, can_edit=current_user.is_staff and finding.status not in states.FINAL_STATES,
                  can_comment=states.role_of(_user(), finding) is not None, units=_active_units(),
                  **cases.page_context(finding, _user()))


def _active_units() -> list[Unit]:
    return list(Unit.select().where(Unit.active == True).order_by(Unit.code)) if current_user.is_staff else []  # noqa: E712


@bp.get("/findings/<int:finding_id>")
@login_required
def finding(finding_id: int):
    """One finding: its facts, source, deadline colour, the moves open to the user, the timeline."""
    return _finding_page(_finding(finding_id))


@bp.post("/findings/<int:finding_id>/moves/<name>")
@login_required
def move(finding_id: int, name: str):
    """Perform one move of the table; a refusal is shown next to its field on the same page."""
    finding = _finding(finding_id)
    if name not in states.MOVES:
        raise NotFound(_("没有这个操作"))
    errors: dict = {}
    kwargs: dict = {"reason": request.form.get("reason", "")[:4000]}
    step = states.MOVES[name]
    if "plan" in step.needs:
        kwargs["measures"] = request.form.get("measures", "")[:4000]
        raw = request.form.get("due_on", "")
        try:
            kwargs["due_on"] = register._date(raw)
        except (ValueError, TypeError):
            errors["due_on"] = _("%(label)s不是有效的日期。", label=_("整改期限"))
    if "evidence" in step.needs:
        kwargs["evidence_text"] = request.form.get("evidence_text", "")[:4000]
        if states.role_of(_user(), finding) in step.by and finding.status == step.source:
            files, problem = _store_uploads(finding.unit)
            if problem:
                errors["files"] = problem
            kwargs["files"] = files
    if not errors:
        try:
            states.move(finding, name, _user(), **kwargs)
        except states.FindingError as exc:
            errors[exc.field or "move"] = exc.text(_)
    if errors:
        return _finding_page(_finding(finding_id), errors=errors, form=request.form, open_move=name, status=422)
    flash(_("已完成：%(move)s", move=_(step.label)), "success")
    return redirect(url_for("accountability.finding", finding_id=finding.id))


@bp.post("/findings/<int:finding_id>/comments")
@login_required
def comment(finding_id: int):
    """A comment on the finding's timeline (staff or its unit)."""
    finding = _finding(finding_id)
    try:
        register.comment(finding, _user(), request.form.get("text", "")[:10000])
    except states.FindingError as exc:
        return _finding_page(finding, errors={exc.field or "comment": exc.text(_)}, form=request.form,
                             open_move="comment", status=422)
    return redirect(url_for("accountability.finding", finding_id=finding.id) + "#timeline")


# --------------------------------------------------------------------------- from 评责

@bp.post("/from-feedback/<int:feedback_id>")
@role_required(*STAFF)
def from_feedback(feedback_id: int):
    """Send an issued problem-list item to the register (送问题台账)."""
    from ..evaluate.models import ReviewFeedback
    item = ReviewFeedback.get_or_none(ReviewFeedback.id == feedback_id)
    if item is None:
        raise NotFound(_("问题不存在"))
    try:
        finding = register.from_feedback(item, _user())
    except states.FindingError as exc:
        raise AppError(exc.text(_), status=409, code="conflict")
    flash(_("已转入问题台账，请补充类别和严重程度后确认。"), "success")
    return redirect(url_for("accountability.finding", finding_id=finding.id))


@bp.post("/from-follow-up/<int:follow_up_id>")
@role_required(*STAFF)
def from_follow_up(follow_up_id: int):
    """Register a confirmed 限期整改 follow-up that has no finding yet."""
    from ..evaluate.models import ReviewFollowUp
    item = ReviewFollowUp.get_or_none(ReviewFollowUp.id == follow_up_id)
    if item is None:
        raise NotFound(_("后续处置不存在"))
    try:
        with database.atomic():
            finding = register.from_follow_up(item, _user())
    except states.FindingError as exc:
        raise AppError(exc.text(_), status=409, code="conflict")
    flash(_("已转入问题台账。"), "success")
    return redirect(url_for("accountability.finding", finding_id=finding.id))


from . import case_views, loop_views, statistics_views  # noqa: E402,F401  (more pages on the same blueprint)
