"""Editing a pack's report templates in the browser (rules/reports.json): the wording of 督责's
廉情报告 (``unit``) and 政治生态分析 (``district``).

Like the item and form editors (``editor_views``): the template as JSON with live checks
(bad JSON, the reports schema, unknown placeholders, all in Chinese), the placeholders each
kind may use listed beside it, a preview of the report with real figures, and saving (admins)
as a new draft version of the pack (parent, note, audited by the store), never changing the
version it started from. Reports use the wording of the pack version a unit's plan was made
under (the published version for the district), so new wording reaches them once that version
is published and used.
"""
from __future__ import annotations

import datetime as dt

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.access import role_required
from ..packs import Problem, content_hash
from ..packs.report_templates import PLACEHOLDERS
from ..packs.store import VersionTaken, store_files
from ..units.models import Unit
from ..web.errors import AppError, NotFound
from ..web.ids import parse_id
from ..web.render import render
from ..web.times import zone
from . import editor
from .blueprint import bp
from .editor_views import _same_content, _taken_versions
from .pack_views import REPORT_LABELS, version_or_404

MAX_UNITS_OFFERED = 200


def _load(version_id: int, kind: str):
    version = version_or_404(version_id)
    target = editor.report_target(kind)
    if target is None:
        raise NotFound(_("没有这种报告模板"))
    return version, version.pack(), target


def _today() -> dt.date:
    return dt.datetime.now(zone()).date()


def _default_note(kind: str) -> str:
    return _("在线编辑：%(report)s模板", report=_(REPORT_LABELS[kind]))


def _units() -> list[Unit]:
    return list(Unit.select().where(Unit.active == True).order_by(Unit.code).limit(MAX_UNITS_OFFERED))  # noqa: E712


def _page(version, pack, target, *, text: str | None = None, check=None, status: int = 200, note: str | None = None,
          save_problems=None, block: str = "content", preview=None, preview_error: str = ""):
    if text is None:
        text = editor.pretty(editor.current_value(pack, target))
    if check is None:
        check = editor.check_edit(pack, target, text, whole_pack=False)
    return render("define/report_editor.html", block=block, status=status, version=version, pack=pack,
                  target=target, kind=target.id, text=text, check=check, labels=REPORT_LABELS,
                  placeholders=PLACEHOLDERS[target.id], save_problems=save_problems or [],
                  note=_default_note(target.id) if note is None else note,
                  next_version=editor.bump_version(version.version, _taken_versions(version.pack_id)),
                  can_save=current_user.is_admin, units=_units() if target.id == "unit" else [],
                  period=str(_today().year - 1), preview=preview, preview_error=preview_error,
                  max_kb=editor.MAX_EDIT_BYTES // 1024)


@bp.get("/packs/<int:version_id>/reports/<kind>/edit")
@role_required("admin", "inspector")
def edit_report(version_id: int, kind: str):
    """Edit the wording of one kind of report as JSON."""
    version, pack, target = _load(version_id, kind)
    return _page(version, pack, target)


@bp.post("/packs/<int:version_id>/reports/<kind>/check")
@role_required("admin", "inspector")
def check_report_edit(version_id: int, kind: str):
    """The messages for the template in the editor now (htmx fragment)."""
    version, pack, target = _load(version_id, kind)
    text = request.form.get("text", "")
    return _page(version, pack, target, text=text, block="messages", check=editor.check_edit(pack, target, text))


def _preview_period(raw: str) -> str | None:
    from ..perform import status as engine
    from ..packs import periods
    raw = (raw or "").strip()[:20]
    try:
        engine.check_period(raw)
        if periods.parse_period(raw)[0] not in ("quarter", "half", "year"):
            return None
    except Exception:  # noqa: BLE001 - any malformed period is the same mistake
        return None
    return raw if dt.date.fromisoformat(periods.period_start(raw)) <= _today() else None


@bp.post("/packs/<int:version_id>/reports/<kind>/preview")
@role_required("admin", "inspector")
def preview_report_edit(version_id: int, kind: str):
    """The report worded by the template in the editor (unsaved), with a period's real figures."""
    from ..perform import status as engine
    from ..supervise import reports
    version, pack, target = _load(version_id, kind)
    text = request.form.get("text", "")
    check = editor.check_edit(pack, target, text, whole_pack=False)
    period = _preview_period(request.form.get("period", ""))
    if not check.ok:
        return _page(version, pack, target, text=text, check=check, block="preview",
                     preview_error=_("模板有问题，请先修正编辑框下方提示的问题。"))
    if period is None:
        return _page(version, pack, target, text=text, check=check, block="preview",
                     preview_error=_("期间格式有误：季度如 2022Q2，半年如 2022H1，全年如 2022（不能是尚未开始的期间）。"))
    label, today = engine.period_label(period), _today()
    if kind == "unit":
        unit_id = parse_id(request.form.get("unit", ""))
        unit = Unit.get_or_none(Unit.id == unit_id) if unit_id else None
        if unit is None:
            return _page(version, pack, target, text=text, check=check, block="preview",
                         preview_error=_("请选择一个单位。"))
        report = reports.unit_report(unit, period, today, label=label)
    else:
        report = reports.district_report(period, today, label=label)
    return _page(version, pack, target, text=text, check=check, block="preview",
                 preview=reports.with_template(report, check.value))


@bp.post("/packs/<int:version_id>/reports/<kind>/save")
@role_required("admin")
def save_report(version_id: int, kind: str):
    """Save the edited template as a new draft version of the pack (admins only)."""
    version, pack, target = _load(version_id, kind)
    text = request.form.get("text", "")
    note = request.form.get("note", "").strip()
    check = editor.check_edit(pack, target, text, whole_pack=False)
    if len(note) > editor.MAX_NOTE_CHARS:
        check.problems.append(Problem("", "", "note-too-long", f"修改说明过长（上限 {editor.MAX_NOTE_CHARS} 字）",
                                      f"note too long (limit {editor.MAX_NOTE_CHARS} characters)"))
    if not check.ok:
        return _refused(version, pack, target, text, note, check.problems, check)
    files = check.files
    here = url_for("define.edit_report", version_id=version.id, kind=kind)
    if content_hash(files) == version.content_hash:
        flash(_("内容没有变化，未创建新版本。"), "info")
        return redirect(here)
    same = _same_content(version.pack_id, files)
    if same is not None:
        flash(_("与已有版本 %(label)s 内容相同，未创建新版本。", label=same.label), "info")
        return redirect(url_for("define.edit_report", version_id=same.id, kind=kind))
    files = editor.with_version(files, editor.bump_version(pack.manifest.version, _taken_versions(version.pack_id)))
    problems = editor.save_problems(files)
    if problems:
        return _refused(version, pack, target, text, note, problems, check)
    try:
        stored, created = store_files(files, source="editor", parent=version, note=note or _default_note(kind))
    except VersionTaken:
        raise AppError(_("刚有其他管理员保存了同一版本号，请返回重新保存。"), status=409) from None
    if not created:
        flash(_("与已有版本 %(label)s 内容相同，未创建新版本。", label=stored.label), "info")
        return redirect(url_for("define.edit_report", version_id=stored.id, kind=kind))
    flash(_("已保存为新版本 %(label)s（草稿）。发布后，全区分析和按新版本制定清单的单位的报告使用新的措辞。",
            label=stored.label), "success")
    return redirect(url_for("define.packs"))


def _refused(version, pack, target, text, note, problems, check):
    check.problems = editor.relative_problems(target, problems)
    check.pack_checked = check.parsed
    return _page(version, pack, target, text=text, note=note, status=422, save_problems=problems, check=check)
